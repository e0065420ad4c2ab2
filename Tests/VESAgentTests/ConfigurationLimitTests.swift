import Foundation
import Logging
import TestSupport
import Testing
import VESAgent

/// Every numeric key has a range, a configuration made in code is checked the same way, and a configuration
/// file's line is never echoed (review findings L3 and L4).
@Suite("Configuration limits")
struct ConfigurationLimitTests {
    static let refused: [(key: String, values: [String], expected: String)] = [
        ("SendEventInterval", ["0", "0.05", "0.999", "-1", "86401", "1e30", "2e20", "inf", "nan"], "from 1 to 86400"),
        ("Timeout", ["0", "0.0001", "3601", "1e16", "inf"], "from 0.001 to 3600"),
        ("ShutdownTimeout", ["0", "0.001", "3601", "1.7e20", "infinity"], "from 0.01 to 3600"),
        ("TraceClockWindow", ["0", "0.5", "31536001", "inf"], "from 1 to 31536000"),
        ("MaxSeries", ["0", "-1", "100000001", "1e9", "1.5"], "a whole number from 1 to 100000000"),
        ("HeartbeatInterval", ["-1", "86401", "1e400"], "a whole number from 0 to 86400"),
        ("ExpireIntervals", ["-1", "60001"], "a whole number from 0 to 60000"),
        ("Connections", ["0", "-1", "65", "1.5"], "a whole number from 1 to 64"),
    ]

    @Test("numeric keys out of range are refused with the range")
    func numericKeysOutOfRangeAreRefused() {
        for (key, values, expected) in Self.refused {
            for value in values {
                #expect {
                    try AgentConfiguration.load(flags: [key: value])
                } throws: { error in
                    "\(error)".hasPrefix("Key '\(key)'") && "\(error)".contains(expected)
                        && "\(error)".contains("value '\(value)'")
                }
            }
        }
    }

    @Test("the bounds of each range are accepted")
    func boundsAreAccepted() throws {
        let low = try AgentConfiguration.load(flags: [
            "SendEventInterval": "1", "Timeout": "0.001", "ShutdownTimeout": "0.01", "TraceClockWindow": "1",
            "MaxSeries": "1",
        ])
        #expect(low.sendEventInterval == 1 && low.timeout == 0.001 && low.maxSeries == 1)
        let high = try AgentConfiguration.load(
            environment: [
                "VES_SEND_EVENT_INTERVAL": "86400", "VES_TIMEOUT": "3600", "VES_SHUTDOWN_TIMEOUT": "3600",
                "VES_TRACE_CLOCK_WINDOW": "31536000", "VES_MAX_SERIES": "100000000",
            ]
        )
        #expect(high.traceClockWindow == 31_536_000 && high.maxSeries == 100_000_000)
        let defaults = try AgentConfiguration.load()
        #expect(defaults.maxSeries == 1_000_000 && defaults.traceClockWindow == 3600)
        #expect(defaults.rendered().contains("MaxSeries 1000000\nTraceClockWindow 3600"))
    }

    @Test("a configuration made in code is checked before the agent starts")
    func configurationMadeInCodeIsChecked() {
        let broken: [(String, (inout AgentConfiguration) -> Void)] = [
            ("SendEventInterval", { $0.sendEventInterval = .infinity }),
            ("SendEventInterval", { $0.sendEventInterval = 1e-9 }),
            ("SendEventInterval", { $0.sendEventInterval = 0.001 }),
            ("Timeout", { $0.timeout = 0 }),
            ("ShutdownTimeout", { $0.shutdownTimeout = .nan }),
            ("MaxSeries", { $0.maxSeries = 0 }),
            ("TraceClockWindow", { $0.traceClockWindow = -1 }),
            ("initialRetryDelay", { $0.initialRetryDelay = 0 }),
            ("maximumRetryDelay", { $0.maximumRetryDelay = .infinity }),
            ("maximumRetryDelay", { $0.maximumRetryDelay = 0.01 }),
        ]
        for (name, breakIt) in broken {
            var configuration = AgentConfiguration()
            configuration.listenPort = 0
            breakIt(&configuration)
            #expect {
                try Agent(configuration: configuration, logger: Logger(label: "test"))
            } throws: { error in
                (error as? AgentError)?.code == .config && "\(error)".contains(name)
            }
        }
    }

    @Test("a line without a value is named by file, line and key, never echoed")
    func lineWithoutValueIsNotEchoed() throws {
        for (line, key) in [
            ("Password=hunter2secret", "Key 'Password'"), ("Password:hunter2secret", "Key 'Password'"),
            ("password=hunter2secret", "Key 'Password'"), ("hunter2secret", "A line"), ("x=hunter2secret", "A line"),
        ] {
            let file = try TemporaryFile.write("<Plugin ves_plugin>\n  Domain \"x\"\n  \(line)\n</Plugin>\n")
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect {
                try AgentConfiguration.load(file: file)
            } throws: { error in
                let message = "\(error)"
                return !message.contains("hunter2") && message.hasPrefix(key) && message.contains("\(file):3")
                    && message.contains("has no value")
            }
        }
    }

    @Test("an unknown key with a value in it is not echoed")
    func unknownKeyIsNotEchoed() throws {
        let file = try TemporaryFile.write("Password=hunter2secret \"x\"\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect {
            try AgentConfiguration.load(file: file)
        } throws: { error in
            "\(error)".hasPrefix("A key name is invalid (\(file):1)") && !"\(error)".contains("hunter2")
        }
        let quoted = try TemporaryFile.write("Pass=hunter2secret \"open\n")
        defer { try? FileManager.default.removeItem(atPath: quoted) }
        #expect {
            try AgentConfiguration.load(file: quoted)
        } throws: { error in
            "\(error)".hasPrefix("A line has an unterminated string") && !"\(error)".contains("hunter2")
        }
    }
}
