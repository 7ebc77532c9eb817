import path from 'node:path';
import ts from 'typescript';

/**
 * The handler's call type follows the route's or tool's `access`. Checked by compiling
 * `types/handler-call.types.ts` with the kernel's compiler options: its `@ts-expect-error` lines
 * must each meet an error (a public principal used without a check), and its other lines must
 * compile (a login-required principal used without `!`).
 */
describe('handler call types', () => {
  it('gives login-required handlers a principal and public ones an optional one', () => {
    const file = path.join(__dirname, 'types', 'handler-call.types.ts');
    const configPath = path.join(__dirname, '..', '..', 'tsconfig.base.json');
    const { config } = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configPath));
    const program = ts.createProgram([file], { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
    // The file does test something: it holds expected errors (an unused one would be a problem above).
    expect((ts.sys.readFile(file) ?? '').match(/@ts-expect-error/g)?.length).toBeGreaterThanOrEqual(6);
  });
});
