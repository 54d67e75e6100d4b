// Loaded (--import) into every Job pod's process: when the emulator that started it is gone (its
// stdin pipe closes), the container gets SIGTERM, as a node's containers stop with the node.
// The pipe is unref'd, so it never keeps the container alive by itself.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => undefined);
process.stdin.resume();
process.stdin.unref?.();
