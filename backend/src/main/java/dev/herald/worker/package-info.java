/**
 * The lifecycle of background worker threads: named daemon threads running a loop while a
 * flag says so, stopped with the flag, an interrupt and a bounded wait
 * ({@link dev.herald.worker.WorkerThreads}). Depends on no other module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Worker threads")
package dev.herald.worker;
