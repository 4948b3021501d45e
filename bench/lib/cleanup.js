'use strict';
// Clean-up registry: every process, database and Redis prefix the bench creates registers how to
// undo it, right after creating it. Scenarios undo their own at their end; run.js runs whatever is
// left on an error, Ctrl-C or SIGTERM, last registered first. Each undo runs once: a second caller
// (a scenario's `finally` racing the signal handler) waits for the same run.

const tasks = [];

/** Registers `fn` (async) and returns a function that runs it once and unregisters it. */
function register(label, fn) {
  const task = { label, promise: null };
  task.run = () => {
    if (!task.promise) {
      const i = tasks.indexOf(task);
      if (i >= 0) tasks.splice(i, 1);
      task.promise = Promise.resolve().then(fn);
    }
    return task.promise;
  };
  tasks.push(task);
  return task.run;
}

/** Runs the registered clean-ups, last first, until `keep` are left; errors are printed, not thrown. */
async function runAll(keep = 0) {
  while (tasks.length > keep) {
    const task = tasks[tasks.length - 1];
    try {
      await task.run();
    } catch (err) {
      process.stderr.write(`clean-up of ${task.label} failed: ${err.message}\n`);
    }
  }
}

const pending = () => tasks.length;

module.exports = { register, runAll, pending };
