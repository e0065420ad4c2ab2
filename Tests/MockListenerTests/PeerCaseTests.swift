import CurlClient
import JSON
import MockListener
import StndDefined
import TestSupport
import Testing

/// Other VES listeners' own test cases (`ves/peer-cases`), posted over HTTP to a listener configured as each case
/// needs: every case must get the verdict its peer gives.
@Suite(
    "Peer listeners' cases",
    .needsShared("ves/peer-cases/cases.jsonl", "ves/3gpp/schema-map.json", "ves/onap-collector", "ves/schemas")
)
struct PeerCaseTests {
    /// The schema a case names: the built-in set standing for it, else the file in `peer-cases/schemas` or
    /// `schemas`.
    static func schema(_ name: String) throws -> EventSchema {
        let builtIn = ["CommonEventFormat_28.4.1.json": "ves-5.4.1", "CommonEventFormat_30.2.1_ONAP.json": "ves-7.2.1"]
        if let set = builtIn[name] {
            return try EventSchema.named(set)
        }
        for folder in ["ves/peer-cases/schemas/", "ves/schemas/"] where SharedMaterial.has([folder + name]) {
            return try EventSchema.named(SharedMaterial.path(folder + name))
        }
        throw ListenerError(code: .schema, message: "no schema file \(name) in ves/peer-cases/schemas or ves/schemas")
    }

    /// Cases grouped so that each group maps every API version to one schema, as one listener serves them.
    static func groups(_ cases: [PeerCase]) -> [(schemas: [String: String], cases: [PeerCase])] {
        var groups: [(schemas: [String: String], cases: [PeerCase])] = []
        for peerCase in cases {
            if let index = groups.firstIndex(where: {
                ($0.schemas[peerCase.apiVersion] ?? peerCase.schema) == peerCase.schema
            }) {
                groups[index].schemas[peerCase.apiVersion] = peerCase.schema
                groups[index].cases.append(peerCase)
            } else {
                groups.append(([peerCase.apiVersion: peerCase.schema], [peerCase]))
            }
        }
        return groups
    }

    /// Posts every case to listeners configured by `configure` plus the schemas of its group; returns one line per
    /// case whose answer disagrees with its peer's verdict (or asserted status).
    static func disagreements(
        _ cases: [PeerCase],
        configure: @escaping @Sendable (inout ListenerConfiguration) throws -> Void
    ) async throws -> [String] {
        let stndDefined = try StndDefinedSchemas(folder: SharedMaterial.path("ves/3gpp"))
        var found: [String] = []
        for group in groups(cases) {
            let schemas = try group.schemas.mapValues(schema)
            var failure: (any Error)?
            let lines = try await ListenerHarness.run(configure: { config in
                config.stndDefinedSchemas = stndDefined
                do {
                    try configure(&config)
                } catch {
                    failure = error
                }
                config.schemasByVersion.merge(schemas) { _, given in given }
            }) { harness in
                var lines: [String] = []
                for peerCase in group.cases {
                    let response = try await harness.post(peerCase.path, body: peerCase.bytes)
                    let accepted = (200...299).contains(response.status)
                    let rejected = response.status == 400
                    let agrees = peerCase.expectedValid ? accepted : rejected
                    let statusAgrees = peerCase.expectedStatus.map { $0 == response.status } ?? true
                    if !agrees || !statusAgrees {
                        let body = String(decoding: response.body.prefix(300), as: UTF8.self)
                        lines.append("\(peerCase.id) (\(peerCase.rule)): \(response.status) \(body)")
                    }
                }
                return lines
            }.result
            found += lines
            if let failure { throw failure }
        }
        return found
    }

    @Test("the spec profile agrees on every case but ONAP's routing rule")
    func specProfile() async throws {
        let cases = try PeerCase.all()
        #expect(cases.count == 36)
        let routing = cases.filter { $0.rule == "routing:unknown-stndDefinedNamespace" }
        #expect(routing.count == 1)
        let found = try await Self.disagreements(cases.filter { !routing.map(\.id).contains($0.id) }) { _ in }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
        // the routing case is valid VES: the spec profile takes it
        let routed = try await Self.disagreements(routing) { _ in }
        #expect(routed.count == 1)
    }

    @Test("the ONAP profile agrees on all 25 of the collector's cases")
    func onapProfile() async throws {
        let cases = try PeerCase.all().filter { $0.id.hasPrefix("onap-unit-") }
        #expect(cases.count == 25)
        let directory = SharedMaterial.path("ves/onap-collector")
        let found = try await Self.disagreements(cases) { config in
            try config.useONAPProfile(
                try ONAPCollectorSettings(directory: directory),
                configDirectory: directory,
                schemaDirectories: [SharedMaterial.path("ves/schemas")]
            )
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
