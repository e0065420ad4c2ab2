import Testing

@testable import VESAgent

@Suite("Log text from the network")
struct LogTextTests {
    @Test("control characters are escaped so a peer cannot forge log lines")
    func controlCharactersAreEscaped() {
        let hostile = "ok\nFAKE [error] line\r\u{1B}[2J\t\u{7F}\u{85}\u{202E}\\end"
        let escaped = LogText.escaped(hostile)
        #expect(escaped == #"ok\nFAKE [error] line\r\u{1b}[2J\t\u{7f}\u{85}\u{202e}\\end"#)
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test("long text is cut at the limit with a marker")
    func longTextIsCut() {
        let escaped = LogText.escaped(String(repeating: "a", count: 10_000), limit: 10)
        #expect(escaped == "aaaaaaaaaa…(cut at 10 characters)")
        #expect(LogText.escaped("short", limit: 10) == "short")
        #expect(LogText.escaped("abc", limit: 3) == "abc")
        #expect(LogText.escaped("abc", limit: -1) == "…(cut at 0 characters)")
    }
}
