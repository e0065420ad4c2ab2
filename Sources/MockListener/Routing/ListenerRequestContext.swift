public import Hummingbird
public import NIOCore

/// Request context that keeps the channel, so an injected fault can drop the connection.
public struct ListenerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
