import ArgumentParser
import Collectd
import Logging
import Replay

struct Convert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Convert a trace between formats.")

    @Argument(help: "The trace to read.")
    var input: String

    @Option(help: "The trace to write.")
    var out: String

    @Option(help: "json, putval, hex, tsv or pcap (default: from the output's extension).")
    var format: String?

    @Option(name: .customLong("auth-file"), help: "collectd AuthFile to decode signed/encrypted datagrams.")
    var authFile: String?

    @OptionGroup var common: CommonOptions

    func run() async throws {
        _ = try common.makeLogger()
        let typesDB = try common.loadTypesDB()
        guard let target = format.flatMap(TraceFormat.init(rawValue:)) ?? TraceFormat(path: out) else {
            throw ValidationError("give --format json|putval|hex|tsv|pcap or an output name ending in one of them")
        }
        try withUserErrors {
            let trace = try LoadedTrace.load(path: input, typesDB: typesDB)
            let auth = try authFile.map { path throws(CollectdError) in try AuthFile.load(path: path) }
            try TraceFile.write(trace.entries, format: target, to: out, typesDB: typesDB, authFile: auth)
            print("converted \(trace.entries.count) \(trace.format.rawValue) entries to \(target.rawValue): \(out)")
        }
    }
}
