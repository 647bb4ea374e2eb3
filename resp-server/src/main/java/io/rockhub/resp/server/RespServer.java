package io.rockhub.resp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.rockhub.resp.protocol.RespDecoder;
import io.rockhub.resp.tls.TlsSetupException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty RESP server: one pipeline per connection of decoder, byte counter and
 * {@link RequestHandler} (behind an SslHandler on the TLS port); {@code workers} event loops, epoll
 * where available.
 */
public final class RespServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);

    private final Hub hub;
    private final Dispatcher dispatcher;
    private EventLoopGroup group;
    private EventLoopGroup acceptor;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Channel> tlsListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Class<? extends ServerChannel> channelType;

    public RespServer(Hub hub) {
        this.hub = hub;
        this.dispatcher = new Dispatcher(hub);
    }

    /** Binds every address of {@code bind} on {@code port}; returns the port actually bound. */
    public int start() throws InterruptedException {
        return start(hub.config().getInt("port"));
    }

    /**
     * Binds every address of {@code bind} on the given port (0 = any free one, or none when a TLS
     * port is set, as Redis's {@code port 0}) and on {@code tls-port} if set; returns the plain port.
     */
    public int start(int requestedPort) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        group = new MultiThreadIoEventLoopGroup(hub.config().getInt("workers"), io);
        // Listeners accept on a thread of their own: CONFIG SET tls-port, run on a worker loop, can
        // then wait for a new listener to bind.
        acceptor = new MultiThreadIoEventLoopGroup(1, io);
        int tlsPort = hub.tls().port();
        int port = 0;
        if (requestedPort != 0 || tlsPort == 0) {
            port = bindEverywhere(bootstrap(false), requestedPort, listeners);
        }
        if (tlsPort != 0) {
            bindEverywhere(bootstrap(true), tlsPort, tlsListeners);
        }
        hub.tls().listener(this::listenTls);
        hub.port(port);
        hub.loops(group);
        group.next().scheduleAtFixedRate(this::closeIdleClients, 1, 1, TimeUnit.SECONDS);
        LOG.debug("RESP server listening on {} port {}, TLS port {} ({} transport)", hub.config().get("bind"), port,
                tlsPort, epoll ? "epoll" : "nio");
        return port;
    }

    private ServerBootstrap bootstrap(boolean tls) {
        return new ServerBootstrap()
                .group(acceptor, group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 511)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Past the high mark a connection's further requests wait until the client has read
                // its replies down to the low mark (RequestHandler): memory follows what it reads.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new io.netty.channel.WriteBufferWaterMark(2 << 20, 8 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ClientSession session = new ClientSession(hub, ch);
                        if (tls) {
                            ch.pipeline().addLast("tls", hub.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("decoder", new RespDecoder(session, hub.stats().netInputBytes::add))
                                .addLast("handler", new RequestHandler(hub, dispatcher, session));
                    }
                });
    }

    /** Binds {@code port} on every address of {@code bind}; returns the port bound (the free one picked for 0). */
    private int bindEverywhere(ServerBootstrap b, int port, List<Channel> into) throws InterruptedException {
        for (String address : hub.config().get("bind").trim().split("\\s+")) {
            Channel ch = b.bind(new InetSocketAddress(address, port)).sync().channel();
            into.add(ch);
            port = ((InetSocketAddress) ch.localAddress()).getPort();
        }
        return port;
    }

    /** CONFIG SET tls-port: the new port is bound before the old one closes; 0 closes it. */
    private synchronized void listenTls(int port) throws TlsSetupException {
        List<Channel> bound = new ArrayList<>();
        if (port != 0) {
            try {
                bindEverywhere(bootstrap(true), port, bound);
            } catch (Exception e) { // Netty's sync() rethrows the BindException unchecked
                for (Channel ch : bound) {
                    ch.close().awaitUninterruptibly();
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                LOG.warn("cannot listen on TLS port {}: {}", port, e.toString());
                throw TlsSetupException.cannotListen("cannot listen on TLS port " + port, e);
            }
        }
        for (Channel ch : tlsListeners) {
            ch.close().awaitUninterruptibly();
        }
        tlsListeners.clear();
        tlsListeners.addAll(bound);
        LOG.info("TLS port now {}", port == 0 ? "closed" : port);
    }

    private void closeIdleClients() {
        long timeout = hub.config().getLong("timeout") * 1000;
        if (timeout <= 0) {
            return;
        }
        long now = hub.clock().millis();
        for (ClientSession s : hub.clients().all()) {
            if (s.idleMillis(now) > timeout) {
                s.channel().close();
            }
        }
    }

    /** Stops accepting, closes every connection and waits for the event loops to finish. */
    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        for (Channel ch : tlsListeners) {
            ch.close().awaitUninterruptibly();
        }
        for (ClientSession s : hub.clients().all()) {
            s.channel().close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
