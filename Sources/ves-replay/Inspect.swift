import ArgumentParser
import Collectd
import Logging
import Replay

struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what a trace holds: hosts, plugins, types, time span, value lists per interval."
    )

    @Argument(help: "Trace files.")
    var traces: [String]

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode signed/encrypted datagrams.")
    var authFile: String?

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.makeLogger()
        let typesDB = try common.loadTypesDB()
        try withUserErrors {
            let auth = try authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
            for (index, path) in traces.enumerated() {
                if index > 0 { print("") }
                // read as it goes: a trace larger than memory can be inspected
                print(try TraceInspection(reading: try TraceReader(path: path, typesDB: typesDB), authFile: auth))
            }
        }
    }
}
