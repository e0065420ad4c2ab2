import Collectd
import TestSupport
import Testing

@Suite("types.db") struct TypesDBTests {
    static func shared() throws -> TypesDB {
        try TypesDB.load(path: SharedMaterial.path("collectd/types.db"))
    }

    @Test("collectds types DB parses", .needsShared("collectd/types.db")) func collectdsTypesDBParses() throws {
        let types = try Self.shared()
        let text = try SharedMaterial.text(SharedMaterial.path("collectd/types.db"))
        let definitions = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(types.typeNames.count == definitions.count)
        #expect(
            types.dataSources(of: "if_octets")
                == [
                    .init(name: "rx", type: .derive, min: 0, max: nil),
                    .init(name: "tx", type: .derive, min: 0, max: nil),
                ]
        )
        #expect(types.dataSources(of: "percent") == [.init(name: "value", type: .gauge, min: 0, max: 100.1)])
        #expect(types.dataSources(of: "load")?.map(\.name) == ["shortterm", "midterm", "longterm"])
        #expect(types.dataSources(of: "counter")?.first?.type == .counter)
        #expect(types.dataSources(of: "absolute")?.first?.type == .absolute)
        #expect(types.dataSources(of: "no_such_type") == nil)
    }

    /// Two lines of collectd's file separate data sources with spaces only; collectd reads them as two sources.
    @Test("space separated data sources", .needsShared("collectd/types.db")) func spaceSeparatedDataSources() throws {
        let types = try Self.shared()
        for name in ["ib_octets", "ib_packets"] {
            #expect(types.dataSources(of: name)?.map(\.name) == ["rx", "tx"], "\(name)")
        }
        let parsed = try TypesDB(parsing: "a x:GAUGE:U:U y:derive:0:10\nb x:GAUGE:U:U,y:COUNTER:U:U\n")
        #expect(parsed.dataSources(of: "a")?.map(\.type) == [.gauge, .derive])
        #expect(parsed.dataSources(of: "a")?.last?.max == 10)
        #expect(parsed.dataSources(of: "b")?.map(\.type) == [.gauge, .counter])
    }

    /// The built-in copy agrees with collectd 5.12's file for every type it holds, and holds what the project uses.
    @Test("built in copy matches collectd", .needsShared("collectd/types.db")) func builtInCopyMatchesCollectd() throws
    {
        let types = try Self.shared()
        let builtIn = TypesDB.builtIn
        for name in builtIn.typeNames {
            #expect(builtIn.dataSources(of: name) == types.dataSources(of: name), "\(name)")
        }
        let used = [
            "cpu", "percent", "memory", "if_packets", "if_octets", "if_errors", "if_dropped", "load", "disk_octets",
            "disk_ops", "disk_time", "disk_merged", "disk_io_time", "df_complex", "df_inodes", "percent_bytes",
            "virt_cpu_total", "virt_vcpu", "ps_state", "ps_count", "ps_cputime", "ps_rss", "gauge", "derive",
            "counter", "absolute", "swap", "swap_io", "entropy", "uptime", "users", "irq", "fork_rate", "ping",
        ]
        for name in used {
            #expect(builtIn.dataSources(of: name) != nil, "\(name) is built in")
        }
    }

    @Test("system or built in always has the basics") func systemOrBuiltInAlwaysHasTheBasics() {
        let types = TypesDB.systemOrBuiltIn()
        #expect(types.dataSources(of: "cpu")?.first?.type == .derive)
    }

    @Test("bad lines name their line") func badLinesNameTheirLine() {
        for (text, line) in [
            ("cpu value:DERIVE:0:U\nbroken value:DERIVE:0\n", 2),
            ("# comment\n\nodd value:WEIRD:0:U\n", 3),
            ("lonely\n", 1),
            ("x value:GAUGE:zero:U\n", 1),
        ] {
            #expect(throws: CollectdError.self) { try TypesDB(parsing: text) }
            do {
                _ = try TypesDB(parsing: text)
            } catch {
                #expect(error.code == .typesDbSyntax)
                #expect(error.message.hasPrefix("line \(line):"), "\(error.message)")
            }
        }
        #expect(throws: CollectdError.self) { try TypesDB.load(path: "/nonexistent/types.db") }
    }

    @Test("merging lets the later definition win") func mergingLetsTheLaterDefinitionWin() throws {
        let extra = try TypesDB(parsing: "cpu value:GAUGE:0:100\nmy_type a:GAUGE:U:U\n")
        let merged = TypesDB.builtIn.merging(extra)
        #expect(merged.dataSources(of: "cpu")?.first?.type == .gauge)
        #expect(merged.dataSources(of: "my_type") != nil)
        #expect(merged.dataSources(of: "memory") != nil)
    }
}

@Suite("collectd auth files") struct AuthFileTests {
    @Test("parses collectds format") func parsesCollectdsFormat() throws {
        let auth = try AuthFile(
            parsing: """
                # users
                pieter: aapje1234
                  admin:admin
                spaced:   pass word  \r
                pieter: second-wins-not

                """
        )
        #expect(auth.password(for: "pieter") == "aapje1234")
        #expect(auth.password(for: "admin") == "admin")
        #expect(auth.password(for: "spaced") == "pass word  ")
        #expect(auth.password(for: "nobody") == nil)
        #expect(auth.userNames == ["admin", "pieter", "spaced"])
    }

    @Test("a line without colon is an error") func aLineWithoutColonIsAnError() {
        do {
            _ = try AuthFile(parsing: "ok: fine\njust-a-name\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .authFileSyntax)
            #expect(error.message.contains("line 2"))
        }
        #expect(throws: CollectdError.self) { try AuthFile.load(path: "/nonexistent/auth") }
    }
}
