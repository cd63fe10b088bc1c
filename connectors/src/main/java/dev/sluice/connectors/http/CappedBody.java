package dev.sluice.connectors.http;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a cap, and notes when data last arrived, so that the caller can tell a
 * stalled body (read timeout) from a slow one (total timeout). Past the cap it cancels the exchange
 * instead of buffering more.
 */
final class CappedBody implements BodySubscriber<byte[]> {
    /** The body is larger than the cap; nothing past the cap was kept. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("response body larger than max_body", null, false, false);
        }
    }

    private final long cap;
    private final boolean declaredTooLarge;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    // Sized from Content-Length when the server gives one, so a page is copied once, straight from
    // the client's buffers; grown by doubling otherwise.
    private byte[] bytes;
    private int count;
    private volatile long lastProgress;
    private Flow.Subscription subscription;

    /**
     * Made when the response headers arrive.
     *
     * @param declaredLength the Content-Length header, or -1; a longer one fails before any byte is read
     */
    CappedBody(long cap, long declaredLength) {
        this.cap = cap;
        this.declaredTooLarge = declaredLength > cap;
        this.bytes = new byte[declaredLength >= 0 && !declaredTooLarge ? (int) declaredLength : 8192];
        this.lastProgress = System.nanoTime();
    }

    /** System.nanoTime() when the headers or the last part of the body arrived. */
    long lastProgress() {
        return lastProgress;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredTooLarge) {
            s.cancel();
            result.completeExceptionally(new TooLarge());
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone())
            return;
        lastProgress = System.nanoTime();
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if (count + (long) n > cap) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge());
                return;
            }
            if (count + n > bytes.length)
                bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max((long) bytes.length * 2, (long) count + n), Integer.MAX_VALUE - 8));
            b.get(bytes, count, n);
            count += n;
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(count == bytes.length ? bytes : Arrays.copyOf(bytes, count));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
