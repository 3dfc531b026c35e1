package dev.tabby.datastore;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Puts a gRPC deadline on every unary etcd call. Our callers already stop waiting after the
 * timeout, but without a deadline the abandoned call would stay queued inside gRPC for as long
 * as etcd is unreachable. Streaming calls (watches) are left alone: they live for hours.
 */
final class UnaryCallDeadline implements ClientInterceptor {

    private final long timeoutNanos;

    UnaryCallDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
            return next.newCall(method, options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS));
        }
        return next.newCall(method, options);
    }
}
