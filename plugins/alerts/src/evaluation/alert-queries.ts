import type { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import type { Principal } from '@tomo/kernel';
import { AlertEntity } from '../entities/alert.entity';
import { alertView, type AlertPage } from './alert-views';

export interface AlertFilters {
  state?: 'firing' | 'resolved';
  serverId?: string;
  ruleId?: string;
  page: number;
  pageSize: number;
}

/**
 * Reading alerts: a `user` sees the alerts on their own servers (whichever rule fired them); an
 * admin sees all. A filter naming another user's server or rule simply matches nothing.
 */
export class AlertQueries {
  private readonly repo: Repository<AlertEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(AlertEntity);
  }

  async list(principal: Principal, filters: AlertFilters): Promise<AlertPage> {
    const scope: FindOptionsWhere<AlertEntity> = principal.role === 'admin' ? {} : { ownerId: principal.id };
    if (filters.serverId) scope.serverId = filters.serverId;
    if (filters.ruleId) scope.ruleId = filters.ruleId;
    const where = filters.state ? { ...scope, state: filters.state } : scope;
    const [rows, total] = await this.repo.findAndCount({ where, order: { startedAt: 'DESC', id: 'ASC' }, skip: (filters.page - 1) * filters.pageSize, take: filters.pageSize });
    const firing = await this.repo.countBy({ ...scope, state: 'firing' });
    return { alerts: rows.map(alertView), total, firing };
  }

  async firingCount(principal: Principal): Promise<number> {
    return this.repo.countBy({ ...(principal.role === 'admin' ? {} : { ownerId: principal.id }), state: 'firing' });
  }

  /** One alert the principal may see, or null. */
  async visible(principal: Principal, id: string): Promise<AlertEntity | null> {
    const alert = await this.repo.findOneBy({ id });
    return alert && (principal.role === 'admin' || alert.ownerId === principal.id) ? alert : null;
  }
}
