import JSON
import JSONSchema
import TestSupport
import Testing

@Suite("format, checked on request")
struct FormatCheckTests {
    /// Each format with text it must accept and text it must refuse.
    static let examples: [(format: StringFormat, valid: [String], invalid: [String])] = [
        (
            .ipv4,
            ["0.0.0.0", "9.9.9.9", "192.168.1.10", "255.255.255.255"],
            [
                "", "256.1.1.1", "09.09.09.09", "09.09.09.09aaaf", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ",
                "a.b.c.d", "2001:db8::1", "1.2.3.-4",
            ]
        ),
        (
            .ipv6,
            [
                "::", "::1", "1::", "ff0::", "2001:DB8::1", "FF01:0:0:0:0:0:0:1", "::ffff:0:10.0.0.3",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db2:31:1041:204a::1337", "1:2:3:4:5:6:7::",
                "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "fe80::1ff:fe23:4567:890a%eth2", "fe80::1%1",
            ],
            [
                "", ":", "1234:::aabc", ":ffff:0:10.0.0.3", "2001:0db8:85a3::8a2e::7334", "101.5.40.1", "09.09.09.09",
                "1234:::::::1221:::00af", "1:2:3:4:5:6:7:8:9", "1:2:3:4::5:6:7:8", "1:2:3:4:5:6:7", "12345::",
                "g::1", "fe80::1%", "fe80::1%eth 2", "1.2.3.4::", "::1.2.3", "::ffff:09.0.0.3", "%eth0",
            ]
        ),
        (
            .dateTime,
            [
                "2020-01-01T00:00:00Z", "2020-02-29T23:59:60.123+05:30", "1999-12-31t23:59:59z",
                "2021-06-30T12:00:00.5-00:00", "2000-02-29T00:00:00Z",
            ],
            [
                "xyz", "", "2021-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2020-04-31T00:00:00Z",
                "2020-13-01T00:00:00Z", "2020-01-01 00:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z",
                "2020-01-01T00:00:00", "2020-01-01T00:00:00.Z", "2020-01-01T00:00:00+0530", "2020-01-01T00:00:00+24:00",
                "2020-1-01T00:00:00Z", "2020-01-01T00:00:00Zjunk",
            ]
        ),
        (
            .uri,
            [
                "https://forge.3gpp.org/rep/sa5/MnS/blob/SA88-Rel16/OpenAPI/faultMnS.yaml#components/schemas/NotifyNewAlarm",
                "urn:ietf:rfc:3986", "mailto:someone@example.com", "http://[fe80::1]:8080/a?b=c#d", "file:///tmp/x",
                "http://user:pw@host:80/p%20q", "http://[v1.fe80::a+en1]/", "tel:+1-201-555-0123",
            ],
            [
                "", "//host/path", "relative/path", "http://exa mple.com", "http://host/%zz", "http://host/%2",
                "1http://x", "http://[fe80::1/", "http://host:port/", "http://\u{e9}.com", "http://h/a#b#c",
                "http://[fe80::1%eth0]/",
            ]
        ),
        (
            .uriReference,
            ["", "../x/y.yaml#/components/schemas/A", "#frag", "//host/p", "a:b", "?q", "./a:b"],
            ["a b", "%", "[x]", "a:b c", "x:y#[", "1a:b"]
        ),
        (
            .email,
            [
                "a@example.com", "first.last+tag@sub.example.org", "\"quoted local\"@example.com", "x@[192.0.2.1]",
                "x@[IPv6:2001:db8::1]",
            ],
            ["plain", "@example.com", "a@", "a..b@example.com", ".a@example.com", "a@-host.com", "a@exa_mple.com"]
        ),
        (
            .hostname,
            ["example.com", "a", "xn--bcher-kva.example", "host-1.example.", "123.example"],
            ["", "-a.com", "a-.com", "a..com", String(repeating: "a", count: 64) + ".com", "under_score.com", "."]
        ),
    ]

    @Test("each format accepts its valid examples and refuses the rest", arguments: examples.map(\.format))
    func formats(format: StringFormat) throws {
        let example = try #require(Self.examples.first { $0.format == format })
        for text in example.valid {
            #expect(format.accepts(text), "\(format.rawValue) should accept '\(text)'")
        }
        for text in example.invalid {
            #expect(!format.accepts(text), "\(format.rawValue) should refuse '\(text)'")
        }
        let validator = try JSONSchemaValidator(schema: ["format": .string(format.rawValue)], formats: .checked)
        for text in example.valid {
            #expect(validator.isValid(.string(text)))
        }
        for text in example.invalid {
            #expect(
                validator.validate(.string(text), pointer: "/x") == [
                    Violation(
                        pointer: "/x",
                        message: "\(PythonRepr.string(text)) is not a '\(format.rawValue)'",
                        keyword: "format"
                    )
                ]
            )
        }
    }

    @Test("the pointer names the string whose format failed, with jsonschema's wording")
    func pointerAndMessage() throws {
        let schema: JSONValue = [
            "properties": ["ips": ["items": ["format": "ipv4"]], "when": ["format": "date-time"]]
        ]
        let validator = try JSONSchemaValidator(schema: schema, formats: .checked)
        let violations = validator.validate(["ips": ["1.2.3.4", "1.2.3.400"], "when": "yesterday"], pointer: "/event")
        #expect(
            violations == [
                Violation(pointer: "/event/ips/1", message: "'1.2.3.400' is not a 'ipv4'", keyword: "format"),
                Violation(pointer: "/event/when", message: "'yesterday' is not a 'date-time'", keyword: "format"),
            ]
        )
    }

    @Test("by default format is only a note")
    func annotations() throws {
        #expect(try JSONSchemaValidator(schema: ["format": "ipv4"]).validate("x").isEmpty)
        #expect(try JSONSchemaValidator(schema: ["format": "ipv4"], formats: .annotation).isValid("x"))
    }

    @Test("names the checker does not know, and non-string values, pass even when formats are checked")
    func unknownNames() throws {
        for name in ["int32", "int64", "float", "double", "byte", "binary", "password", "date-Time", "long", "date"] {
            let validator = try JSONSchemaValidator(schema: ["format": .string(name)], formats: .checked)
            #expect(validator.validate("not anything").isEmpty, "draft-04 format '\(name)' should be a note")
        }
        let ipv4 = try JSONSchemaValidator(schema: ["format": "ipv4"], formats: .checked)
        #expect(ipv4.validate(12).isEmpty)
        #expect(ipv4.validate(["1.2.3.x"]).isEmpty)
    }
}

@Suite(
    "format checks on the peers' address cases",
    .needsShared("ves/peer-cases/cases.jsonl", "ves/schemas/CommonEventFormat_30.2.1_ONAP.json")
)
struct PeerFormatCaseTests {
    static let rules: Set<String> = ["format:ipv4", "format:ipv6", "accept:ipv6-zone-index"]

    func officialValidator(formats: FormatPolicy) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(
            contentsOfFile: SharedMaterial.path("ves/schemas/CommonEventFormat_30.2.1_ONAP.json"),
            formats: formats
        )
    }

    @Test("with formats checked, every address case gets the peer's verdict, pointing at the address")
    func addressCases() throws {
        let validator = try officialValidator(formats: .checked)
        let cases = try PeerCase.all().filter { Self.rules.contains($0.rule) }
        #expect(cases.count == 9)
        for peerCase in cases {
            let body = try #require(peerCase.body, "\(peerCase.id) has no JSON body")
            let violations = validator.validate(body)
            #expect(violations.isEmpty == peerCase.expectedValid, "\(peerCase.id): \(violations)")
            guard !peerCase.expectedValid else { continue }
            let field = peerCase.rule == "format:ipv4" ? "oamV4IpAddress" : "oamV6IpAddress"
            #expect(
                violations.map(\.pointer) == ["/event/pnfRegistrationFields/\(field)"],
                "\(peerCase.id): \(violations)"
            )
            #expect(violations.map(\.keyword) == ["format"])
        }
    }

    @Test("the other cases on 30.2.1 keep their verdicts with formats checked")
    func otherCasesUnchanged() throws {
        let checked = try officialValidator(formats: .checked)
        let plain = try officialValidator(formats: .annotation)
        let cases = try PeerCase.all().filter {
            $0.schema == "CommonEventFormat_30.2.1_ONAP.json" && !Self.rules.contains($0.rule) && $0.body != nil
        }
        #expect(!cases.isEmpty)
        for peerCase in cases {
            let body = try #require(peerCase.body)
            #expect(checked.validate(body) == plain.validate(body), "\(peerCase.id)")
        }
    }

    @Test("without format checks the address cases are all valid, as draft-04 allows")
    func annotationOnly() throws {
        let validator = try officialValidator(formats: .annotation)
        for peerCase in try PeerCase.all() where Self.rules.contains(peerCase.rule) {
            let body = try #require(peerCase.body)
            #expect(validator.isValid(body), "\(peerCase.id)")
        }
    }
}
