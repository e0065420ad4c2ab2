import Collectd
import Foundation
import TestSupport
import Testing

@testable import Replay

/// Traces and options an attacker or a corrupt capture could hand ves-replay: none may trap or leak a password.
@Suite("ves-replay with hostile traces and options")
struct HostileReplayInputTests {
    @Test(
        "a wait of any length in seconds becomes a Duration without trapping",
        arguments: [Double.infinity, -Double.infinity, .nan, 1e300, 9.3e9, -5, 0]
    )
    func waitsNeverTrap(seconds: Double) {
        let wait = Pacer.duration(seconds: seconds)
        #expect(wait >= .zero)
        #expect(wait <= .seconds(Pacer.longestWait))
    }

    @Test("a wait within range is kept to the nanosecond")
    func ordinaryWaitsAreExact() {
        #expect(Pacer.duration(seconds: 1.5) == .milliseconds(1500))
    }

    @Test("a time shift wider than a collectd time saturates instead of trapping")
    func hugeShiftSaturates() {
        let list = ValueList(
            host: "h",
            plugin: "cpu",
            pluginInstance: "",
            type: "percent",
            typeInstance: "",
            time: CollectdTime(seconds: 1_700_000_000),
            interval: CollectdTime(seconds: 10),
            values: [.gauge(1)]
        )
        for offset in [1e12, -1e12, 1e300, -Double.infinity, Double.nan] {
            let shifted = TraceTransform(timeOffset: offset).apply(.values(list))
            guard case .values(let moved) = shifted else {
                Issue.record("a value list became something else")
                continue
            }
            if offset > 0 { #expect(moved.time.raw >= list.time.raw) }
            if offset < 0 { #expect(moved.time.raw == 0) }
        }
    }

    @Test("URLs in logs and summaries never carry user:password")
    func credentialsAreMasked() {
        #expect(
            ReplayTarget.redacted("http://user:secret@127.0.0.1:8080/x?a=b@c") == "http://***@127.0.0.1:8080/x?a=b@c"
        )
        #expect(ReplayTarget.redacted("https://127.0.0.1/p@q") == "https://127.0.0.1/p@q")
        #expect(ReplayTarget.http(url: "http://u:pw@h/collectd").description == "http://***@h/collectd")
        #expect(!"\(ReplayTarget.http(url: "http://u:pw@h/collectd"))".contains("pw"))
    }

    @Test("--sign USER takes the password from a file, so it never sits in argv")
    func passwordFromFile() throws {
        let path = try TemporaryFile.write("s3cret:with:colons\nsecond line\n", suffix: ".pw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let password = try ReplayOptions.password(fromFile: path)
        #expect(password == "s3cret:with:colons")
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: 25826))
        try options.setSecurity(sign: "alice", encrypt: nil, authFile: nil, password: password)
        #expect(options.security == .sign(user: "alice", password: "s3cret:with:colons"))
        #expect(options.authFile?.password(for: "alice") == "s3cret:with:colons")
    }

    @Test("--sign USER without any password is refused with a message naming the ways to give one")
    func missingPasswordIsRefused() {
        var options = ReplayOptions(target: .udp(host: "127.0.0.1", port: 25826))
        #expect {
            try options.setSecurity(sign: "alice", encrypt: nil, authFile: nil)
        } throws: { error in
            "\(error)".contains("--password-file") && "\(error)".contains("VES_REPLAY_PASSWORD")
        }
        #expect(throws: ReplayError.self) { try ReplayOptions.password(fromFile: "/nonexistent/pw") }
    }

    @Test("a flood of bad datagrams gives one warning per interval, with the count held back")
    func badDatagramWarningsAreThrottled() {
        var throttle = ReportThrottle(interval: 10)
        #expect(throttle.note(at: 100) == 0)
        for second in 0..<1000 { #expect(throttle.note(at: 100 + Double(second) / 200) == nil) }
        #expect(throttle.note(at: 110) == 1000)
        #expect(throttle.note(at: 111) == nil)
    }
}
