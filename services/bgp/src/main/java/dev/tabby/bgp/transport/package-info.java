/**
 * What a BGP session's TCP socket needs beyond what java.nio offers: TCP MD5 signatures (RFC 2385, {@link
 * dev.tabby.bgp.transport.TcpMd5}) and GTSM (RFC 5082, {@link dev.tabby.bgp.transport.Gtsm}), set with setsockopt
 * through jnr-ffi ({@link dev.tabby.bgp.transport.SocketOptions}) on the descriptor of a Netty NIO channel ({@link
 * dev.tabby.bgp.transport.BgpSocketChannel}, {@link dev.tabby.bgp.transport.BgpServerSocketChannel}); and where a
 * peer's password and hop limit come from ({@link dev.tabby.bgp.transport.PeerSecrets}).
 *
 * <p>Reading a java.nio channel's descriptor needs the JVM flag {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}
 * ({@link dev.tabby.bgp.transport.NioFd}).
 */
package dev.tabby.bgp.transport;
