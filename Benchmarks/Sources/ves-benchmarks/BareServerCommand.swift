import ArgumentParser
import Foundation

/// The bare Hummingbird server on its own, for loads from another process: ves-agent's sending is measured against
/// it (what the agent can post when the other side does no work) beside ves-listener.
struct BareServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server",
        abstract: "Serve the bare server (reads each body, answers 202) on a free loopback port until stopped.",
        discussion: "Prints 'listening on http://127.0.0.1:PORT' once it takes requests; SIGTERM or SIGINT stops it."
    )

    func run() async throws {
        try await BareHummingbird.serving { url in
            // unbuffered: a script waits for this line
            FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            await Self.waitForTermination()
            // the server's task does not end on cancellation alone, and there is nothing to save
            Foundation.exit(0)
        }
    }

    /// Returns on SIGTERM or SIGINT.
    static func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { continuation.yield() }
            source.resume()
            sources.append(source)
        }
        var iterator = stream.makeAsyncIterator()
        _ = await iterator.next()
        for source in sources { source.cancel() }
    }
}
