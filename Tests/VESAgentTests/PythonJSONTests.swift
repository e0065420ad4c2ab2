import Testing
import VESModel

@Suite struct PythonJSONTests {
    @Test func roundsLikePython() {
        // round(2.675, 2) is 2.67 in Python: 2.675 is stored as 2.67499999...
        #expect(PythonJSON.round(2.675, digits: 2) == 2.67)
        #expect(PythonJSON.round(0.125, digits: 2) == 0.12)
        #expect(PythonJSON.round(0.375, digits: 2) == 0.38)
        #expect(PythonJSON.round(1.0 / 3.0, digits: 3) == 0.333)
        #expect(PythonJSON.round(-1.005, digits: 2) == -1.0)
    }

    @Test func dumpsLikePython() {
        let value: JSONValue = ["a": 1.1, "b": [1, "é\n"], "c": 1_732_500_000_123_456.0, "d": 5.0]
        #expect(PythonJSON.dumps(value) == #"{"a": 1.1, "b": [1, "\u00e9\n"], "c": 1732500000123456.0, "d": 5.0}"#)
        #expect(PythonJSON.floatRepr(1e16) == "1e+16")
        #expect(PythonJSON.floatRepr(0.0001) == "0.0001")
    }
}
