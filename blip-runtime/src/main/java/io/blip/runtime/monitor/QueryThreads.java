package io.blip.runtime.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where collections and their domains' collects run: on one of a few platform threads when one is
 * free, else on a virtual thread of its own. A collect mostly waits for MySQL's answer on a socket,
 * and a collection for its domains with a time limit; a platform thread waits in the kernel, where a
 * virtual thread parks and is woken through the JDK's poller, timer and scheduler: for one monitor
 * that costs about a millisecond more per collection (of some five; docs/jvm.md). Virtual threads
 * take the rest, so that many monitors collecting at the same second, or a MySQL that hangs, never
 * wait for a platform thread.
 */
public final class QueryThreads extends AbstractExecutorService {
    private final SynchronousQueue<Runnable> handoff = new SynchronousQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean shutdown;

    /** @param platform how many platform threads to keep for collects */
    public QueryThreads(int platform) {
        for (int i = 0; i < platform; i++) {
            workers.add(Thread.ofPlatform().daemon().name("blip-query-" + i).start(this::work));
        }
    }

    private void work() {
        while (!shutdown) {
            Runnable task;
            try {
                task = handoff.take();
            } catch (InterruptedException e) {
                return;
            }
            task.run();
            Thread.interrupted(); // a cancelled task's interrupt is not the next one's
        }
    }

    /** Runs the task on a free platform thread, or else on a new virtual thread; never waits. */
    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("query threads shut down");
        }
        if (!handoff.offer(task)) {
            Thread.ofVirtual().name("blip-query").start(task);
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        workers.forEach(Thread::interrupt);
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && workers.stream().noneMatch(Thread::isAlive);
    }

    /** Not waited for: the threads are daemons and stop when their task ends. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
