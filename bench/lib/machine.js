'use strict';
const os = require('node:os');

/** Facts about the machine the figures come from, for the header of every benchmark. */
function machineFacts() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpuModel: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The facts as printable lines. */
function machineLines(facts = machineFacts()) {
  return [
    `Node      : ${facts.node} (V8 ${facts.v8})`,
    `CPU       : ${facts.cpuModel} x ${facts.cores} cores (available parallelism ${facts.availableParallelism})`,
    `OS / RAM  : ${facts.platform}, ${facts.totalMemGiB} GiB`,
    `Load avg  : ${facts.loadavg.join(' / ')} (1/5/15 min, before the run)`,
  ];
}

module.exports = { machineFacts, machineLines };
