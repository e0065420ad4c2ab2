import ArgumentParser
import Foundation

/// The bare Hummingbird server on its own, for loads from another process: ves-agent's sending is measured against
/// it (what the agent can post when the other side does no work) beside ves-listener.
struct BareServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bare-server",
        abstract: "Serve the bare server (reads each body, answers 202) on a free loopback port until stopped.",
        discussion: "Prints 'listening on http://127.0.0.1:PORT' once it takes requests; SIGTERM or SIGINT ends it."
    )

    func run() async throws {
        try await BareHummingbird.serving { url in
            // it has nothing to save: a signal ends the process at once (the server's own graceful shutdown would
            // end the server, not this wait)
            for signalNumber in [SIGTERM, SIGINT] {
                signal(signalNumber) { _ in _exit(0) }
            }
            // unbuffered: a script waits for this line
            FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
