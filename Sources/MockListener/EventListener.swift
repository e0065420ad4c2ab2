import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
public import Platform
public import ServiceLifecycle
import Synchronization
import VESModel

/// The mock VES event listener as a `Service`: run it in a `ServiceGroup`, await `address`, and call `finish`
/// after the group returns for the record, the JUnit report and the summary.
public final class EventListener: Service {
    public let configuration: ListenerConfiguration
    /// Everything received; tests read it directly.
    public let store: RecordStore
    /// What the test-control API queued.
    public let control: ControlState
    /// What `/metrics` shows: this listener's own registry.
    let metrics: ListenerMetrics
    /// The web view's live stream and catalog.
    let webView: WebViewHub
    private let logger: Logger
    private let addressSlot = OnceValue<ServiceAddress?>()

    public init(configuration: ListenerConfiguration, logger: Logger = Logger(label: "ves-listener"))
        throws(ListenerError)
    {
        self.configuration = configuration
        let store = try RecordStore(configuration: configuration, logger: logger)
        let control = ControlState()
        self.store = store
        self.control = control
        self.metrics = ListenerMetrics(store: store, control: control)
        self.webView = WebViewHub(store: store)
        self.logger = logger
    }

    /// Resolves once the socket is bound; nil if the server stopped before that (bind failure).
    public var address: ServiceAddress? {
        get async { await addressSlot.value() }
    }

    public func run() async throws {
        for warning in configuration.startWarnings { logger.warning("\(warning)") }
        let server = try makeServerBuilder()
        let bodyGuard = SlowBodyGuard(graceSeconds: configuration.idleTimeoutSeconds) { [store] in
            store.countNonEvent(status: 408)
        }
        let responder = ListenerResponder(
            configuration: configuration,
            store: store,
            control: control,
            logger: logger,
            metrics: metrics,
            webView: webView,
            bodyGuard: bodyGuard
        )
        let scheme = configuration.scheme
        let host = configuration.host
        let slot = addressSlot
        let application = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                slot.set(ServiceAddress(scheme: scheme, host: host, port: channel.localAddress?.port ?? 0))
            },
            logger: logger
        )
        let store = self.store
        let webView = self.webView
        defer {
            webView.close()
            slot.set(nil)
        }
        do {
            try await withGracefulShutdownHandler {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { await bodyGuard.run() }
                    try await application.run()
                    tasks.cancelAll()
                }
            } onGracefulShutdown: {
                // long polls end now, so in-flight requests can finish and the server can stop
                store.releaseWaiters()
                // and the pages' streams, which would otherwise hold the server open
                webView.close()
            }
        } catch let error as IOError {
            throw ListenerError(
                code: .bind,
                message: "cannot listen on \(configuration.host):\(configuration.port): \(error.description)"
            )
        }
    }

    /// Flushes the record, writes the JUnit report and returns what was received.
    public func finish() throws(ListenerError) -> ListenerSummary {
        try store.finish(junitPath: configuration.junitPath)
    }

    private func makeServerBuilder() throws -> HTTPServerBuilder {
        // the key allows 1 s to a day; a configuration built in code gets the same range
        let idleSeconds = min(max(configuration.idleTimeoutSeconds, 1), 86_400)
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(Int64(idleSeconds))))
        guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
            return http1
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map {
                NIOSSLCertificateSource.certificate($0)
            }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            // TLS 1.0 and 1.1 are deprecated (RFC 8996); NIOSSL's server default would still accept them
            tls.minimumTLSVersion = .tlsv12
            return try .tls(http1, tlsConfiguration: tls)
        } catch {
            throw ListenerError(
                code: .tls,
                message: "cannot use certificate '\(certificatePath)' with key '\(keyPath)': \(error)"
            )
        }
    }
}
