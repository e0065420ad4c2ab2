import Foundation
import JSON
import TestSupport
import Testing

@Suite("Python's json.dumps and repr") struct PythonJSONTests {
    @Test("rounds like python") func roundsLikePython() {
        // round(2.675, 2) is 2.67 in Python: 2.675 is stored as 2.67499999...
        #expect(PythonJSON.round(2.675, digits: 2) == 2.67)
        #expect(PythonJSON.round(0.125, digits: 2) == 0.12)
        #expect(PythonJSON.round(0.375, digits: 2) == 0.38)
        #expect(PythonJSON.round(1.0 / 3.0, digits: 3) == 0.333)
        #expect(PythonJSON.round(-1.005, digits: 2) == -1.0)
    }

    @Test("dumps like python") func dumpsLikePython() {
        let value: JSONValue = ["a": 1.1, "b": [1, "é\n"], "c": 1_732_500_000_123_456.0, "d": 5.0]
        #expect(PythonJSON.dumps(value) == #"{"a": 1.1, "b": [1, "\u00e9\n"], "c": 1732500000123456.0, "d": 5.0}"#)
        #expect(PythonJSON.floatRepr(1e16) == "1e+16")
        #expect(PythonJSON.floatRepr(0.0001) == "0.0001")
    }

    /// 20,000 awkward doubles: `round(x, 2)`, `round(x, 3)` and `repr(x)` equal Python's, digit for digit.
    @Test("every character that needs an escape is found wherever it stands in a long string, and integers of any sign")
    func escapesAtEveryPosition() {
        let specials: [(Character, String)] = [
            ("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1F}", #"\u001f"#), ("\u{7F}", #"\u007f"#),
            ("é", #"\u00e9"#),
        ]
        for (special, escaped) in specials {
            for position in 0..<20 {
                var text = String(repeating: "a", count: 19)
                text.insert(special, at: text.index(text.startIndex, offsetBy: position))
                let expected =
                    "\"" + String(repeating: "a", count: position) + escaped
                    + String(repeating: "a", count: 19 - position) + "\""
                #expect(PythonJSON.dumps(.string(text)) == expected, "\(escaped) at \(position)")
            }
        }
        #expect(PythonJSON.dumps(.string(String(repeating: "plain text ~!", count: 9))).count == 9 * 13 + 2)
        let numbers: [Int64] = [0, 7, 10, -1, -10, 1_234_567_890, .max, .min]
        #expect(
            PythonJSON.dumps(.array(numbers.map(JSONValue.integer))) == "["
                + numbers.map(String.init).joined(separator: ", ") + "]"
        )
    }

    @Test("round and repr agree with python") func roundAndReprAgreeWithPython() async throws {
        try #require(PythonRunner.executable != nil, "python3 is needed to compare with Python")
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.005, 0.015, 0.025, 1.005, 2.675, 1e15, 9.1e15, 1e16, 1.5e-5, -0.0, 123456.785]
        for _ in 0..<10_000 {
            // halves at the second and third decimal, where rounding is hardest
            let cents = Double(Int.random(in: -10_000_000...10_000_000, using: &generator))
            values.append((cents + 0.5) / 100)
            values.append((cents + 0.5) / 1000)
        }
        for _ in 0..<5_000 {
            values.append(
                Double(bitPattern: UInt64.random(in: 0x3E00_0000_0000_0000...0x4340_0000_0000_0000, using: &generator))
            )
        }
        let input = values.map { String($0.bitPattern) }.joined(separator: "\n")
        let script = """
            import sys, struct
            for line in sys.stdin:
                x = struct.unpack('<d', struct.pack('<Q', int(line)))[0]
                print(repr(round(x, 2)), repr(round(x, 3)), repr(x))
            """
        let run = try #require(await offCooperativePool { PythonRunner.run(["-c", script], input: Data(input.utf8)) })
        try #require(run.status == 0, "\(run.errors)")
        let lines = run.output.split(separator: "\n")
        try #require(lines.count == values.count)
        var mismatches: [String] = []
        for (value, line) in zip(values, lines) {
            let ours = [
                PythonJSON.floatRepr(PythonJSON.round(value, digits: 2)),
                PythonJSON.floatRepr(PythonJSON.round(value, digits: 3)),
                PythonJSON.floatRepr(value),
            ].joined(separator: " ")
            if ours != line { mismatches.append("\(value): ours \(ours), Python \(line)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
    }
}
