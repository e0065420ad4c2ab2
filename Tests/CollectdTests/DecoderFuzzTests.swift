import Collectd
import Foundation
import TestSupport
import Testing

/// A small fast seeded generator (SplitMix64), so a failing run can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(next() % UInt64(bound))
    }

    mutating func chance(_ percent: Int) -> Bool {
        below(100) < percent
    }
}

/// Makes random and mutated datagrams from real ones: bit flips, byte overwrites, truncations, length fields that
/// lie, duplicated, dropped and inserted parts, splices, and valid signatures or encryption around mutated data.
struct DatagramMutator {
    let corpus: [[UInt8]]
    let plainCorpus: [[UInt8]]
    let sealers: [EncoderSecurity]

    static let partTypes: [UInt16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x100, 0x101, 0x200, 0x210, 0x7777]
    static let interestingBytes: [UInt8] = [0, 1, 2, 3, 4, 5, 0x0C, 0x0F, 0x7F, 0x80, 0xFE, 0xFF]

    /// Offsets and lengths of the parts a datagram claims to have, as far as they stay inside it.
    static func parts(_ datagram: [UInt8]) -> [(offset: Int, length: Int)] {
        var parts: [(offset: Int, length: Int)] = []
        var offset = 0
        while datagram.count - offset >= 4 {
            let length = Int(datagram[offset + 2]) << 8 | Int(datagram[offset + 3])
            guard length >= 4, offset + length <= datagram.count else { break }
            parts.append((offset, length))
            offset += length
        }
        return parts
    }

    func make(_ random: inout SeededGenerator) -> [UInt8] {
        switch random.below(100) {
        case 0..<4:
            return (0..<random.below(1500)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 4..<12:
            return randomParts(&random)
        case 12..<20:
            // Valid signature or encryption around mutated plain data: reaches the parser inside.
            var payload = plainCorpus[random.below(plainCorpus.count)]
            for _ in 0..<(1 + random.below(3)) { payload = mutate(payload, &random) }
            return sealers[random.below(sealers.count)].seal(payload)
        default:
            var datagram = corpus[random.below(corpus.count)]
            for _ in 0..<(1 + random.below(4)) { datagram = mutate(datagram, &random) }
            return datagram
        }
    }

    func mutate(_ input: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        var datagram = input
        let parts = Self.parts(datagram)
        switch random.below(10) {
        case 0:  // Bit flips.
            guard !datagram.isEmpty else { return datagram }
            for _ in 0..<(1 + random.below(8)) {
                datagram[random.below(datagram.count)] ^= 1 << UInt8(random.below(8))
            }
        case 1:  // Interesting bytes.
            guard !datagram.isEmpty else { return datagram }
            for _ in 0..<(1 + random.below(4)) {
                datagram[random.below(datagram.count)] =
                    Self.interestingBytes[random.below(Self.interestingBytes.count)]
            }
        case 2:  // Truncation.
            datagram = Array(datagram.prefix(random.below(datagram.count + 1)))
        case 3, 4:  // A length field that lies.
            guard let part = parts.randomElement(using: &random) else { return datagram }
            let choices = [
                0, 1, 3, 4, 5, 6, 11, 12, 13, 15, part.length - 1, part.length + 1, part.length + random.below(64),
                max(0, part.length - random.below(64)), 0xFFFF, random.below(0x10000),
                datagram.count - part.offset, datagram.count - part.offset + 1,
            ]
            let length = choices[random.below(choices.count)] & 0xFFFF
            datagram[part.offset + 2] = UInt8(length >> 8)
            datagram[part.offset + 3] = UInt8(length & 0xFF)
        case 5:  // A part duplicated elsewhere.
            guard let part = parts.randomElement(using: &random) else { return datagram }
            let copy = datagram[part.offset..<(part.offset + part.length)]
            let target = parts.randomElement(using: &random)?.offset ?? 0
            datagram.insert(contentsOf: copy, at: target)
        case 6:  // A part dropped.
            guard let part = parts.randomElement(using: &random) else { return datagram }
            datagram.removeSubrange(part.offset..<(part.offset + part.length))
        case 7:  // Splice with another datagram.
            let other = corpus[random.below(corpus.count)]
            let cut =
                random.chance(50)
                ? (parts.randomElement(using: &random)?.offset ?? 0) : random.below(datagram.count + 1)
            let otherParts = Self.parts(other)
            let otherCut =
                random.chance(50)
                ? (otherParts.randomElement(using: &random)?.offset ?? 0) : random.below(other.count + 1)
            datagram = Array(datagram.prefix(cut)) + Array(other.dropFirst(otherCut))
        case 8:  // A random part inserted.
            let part = randomPart(&random)
            let target = parts.randomElement(using: &random)?.offset ?? 0
            datagram.insert(contentsOf: part, at: min(target, datagram.count))
        default:  // Random bytes appended.
            datagram += (0..<(1 + random.below(16))).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return datagram
    }

    func randomParts(_ random: inout SeededGenerator) -> [UInt8] {
        var datagram: [UInt8] = []
        for _ in 0..<random.below(30) { datagram += randomPart(&random) }
        return datagram
    }

    /// A part of a random type with a plausible (mostly right) length and random content.
    func randomPart(_ random: inout SeededGenerator) -> [UInt8] {
        let type = Self.partTypes[random.below(Self.partTypes.count)]
        var body: [UInt8]
        switch type {
        case 1, 7, 8, 9, 0x101:
            body = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 6:
            let count = random.below(5)
            body = [0, UInt8(count)] + (0..<count).map { _ in UInt8(random.below(5)) }
            body += (0..<(8 * count)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 0x200:
            body = (0..<(32 + random.below(10))).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 0x210:
            let user: [UInt8] = random.chance(50) ? Array("pieter".utf8) : [0x78]
            body = [0, UInt8(user.count)] + user
            body += (0..<(16 + 20 + random.below(40))).map { _ in UInt8.random(in: 0...255, using: &random) }
        default:
            body = (0..<random.below(20)).map { _ in UInt8(0x61 + random.below(26)) } + (random.chance(90) ? [0] : [])
        }
        var length = body.count + 4
        if random.chance(10) { length = random.below(0x10000) }
        return [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }
}

@Suite(.needsShared("collectd/vectors")) struct DecoderFuzzTests {
    static func environmentNumber(_ name: String) -> UInt64? {
        ProcessInfo.processInfo.environment[name].flatMap { UInt64($0) }
    }

    /// At least 200,000 datagrams per run through decoders at every security level, with and without an auth
    /// file. Prints its seed; `COLLECTD_FUZZ_SEED=<seed>` replays a run, `COLLECTD_FUZZ_ITERATIONS=<n>` runs longer.
    @Test("decoder survives random and mutated datagrams") func decoderSurvivesRandomAndMutatedDatagrams() async throws
    {
        let seed = Self.environmentNumber("COLLECTD_FUZZ_SEED") ?? UInt64.random(in: 0...UInt64(UInt32.max))
        let iterations = Int(Self.environmentNumber("COLLECTD_FUZZ_ITERATIONS") ?? 200_000)
        // Written before anything runs, unbuffered, so a crash still leaves the seed to replay.
        FileHandle.standardError.write(
            Data("collectd fuzz: seed \(seed), \(iterations) datagrams (replay: COLLECTD_FUZZ_SEED=\(seed))\n".utf8)
        )

        // Seconds of computing: off the cooperative pool, so live listener tests running alongside keep a thread.
        let (decoders, records, emptyValueLists, elapsed) = try await offCooperativePool {
            let auth = AuthFile(users: ["pieter": "aapje1234", "fuzz": "fuzzing"])
            let securities: [EncoderSecurity] = [
                .sign(user: "pieter", password: "aapje1234"), .encrypt(user: "pieter", password: "aapje1234"),
                .sign(user: "fuzz", password: "fuzzing"), .encrypt(user: "fuzz", password: "fuzzing"),
                .sign(user: "fuzz", password: "wrong"), .encrypt(user: "stranger", password: "x"),
            ]
            let vectors = try CollectdVectors.allDatagrams()
            var plain = vectors.filter { $0.first == 0 }
            var encoded: [[UInt8]] = []
            for security in [EncoderSecurity.none] + securities.prefix(2) {
                var encoder = NetworkEncoder(security: security)
                for list in NetworkRoundTripTests.sampleLists(count: 120) { encoded += encoder.add(list) }
                for notification in NetworkRoundTripTests.sampleNotifications() {
                    encoded += encoder.add(notification)
                }
                encoded += encoder.flush()
                if security == .none { plain += encoded }
            }
            let mutator = DatagramMutator(corpus: vectors + encoded, plainCorpus: plain, sealers: securities)

            var decoders = [
                NetworkDecoder(securityLevel: .none, authFile: auth),
                NetworkDecoder(securityLevel: .sign, authFile: auth),
                NetworkDecoder(securityLevel: .encrypt, authFile: auth),
                NetworkDecoder(securityLevel: .none),
            ]
            var random = SeededGenerator(seed: seed)
            var records = 0
            var emptyValueLists = 0
            let start = Date()
            for _ in 0..<iterations {
                let datagram = mutator.make(&random)
                datagram.withUnsafeBytes { bytes in
                    for index in decoders.indices {
                        _ = decoders[index].decode(bytes) { record in
                            records += 1
                            if case .values(let list) = record, list.values.isEmpty { emptyValueLists += 1 }
                        }
                    }
                }
            }
            return (decoders, records, emptyValueLists, String(format: "%.1f", Date().timeIntervalSince(start)))
        }
        let summary = "collectd fuzz: \(iterations) datagrams x \(decoders.count) decoders in \(elapsed) s, "
        FileHandle.standardError.write(Data((summary + "\(records) records\n").utf8))
        #expect(emptyValueLists == 0)
        for decoder in decoders {
            let counters = decoder.counters
            #expect(counters.datagrams == iterations)
            #expect(counters.ok + counters.bad == counters.datagrams)
            #expect(counters.badByReason.values.reduce(0, +) == counters.bad)
            #expect(counters.ok > 0, "some mutations leave a valid datagram")
            #expect(counters.bad > iterations / 2, "most mutations break the datagram")
        }
        // Every way of failing was met, and valid signed and encrypted data got through the strict decoders.
        let seen = Set(decoders.flatMap { $0.counters.badByReason.keys })
        #expect(seen.isSuperset(of: [.truncated, .badLength, .badString, .badValues, .badSignature, .unknownUser]))
        #expect(seen.isSuperset(of: [.decryptFailed, .securityLevel, .missingFields]))
        #expect(decoders[1].counters.valueLists > 0 && decoders[2].counters.valueLists > 0)
    }
}

@Suite(.needsShared("collectd/vectors")) struct TraceReaderFuzzTests {
    /// Mutated traces of every format either read or fail with an error; none crashes or hangs a reader.
    @Test("trace readers survive mutated input") func traceReadersSurviveMutatedInput() async throws {
        let seed = DecoderFuzzTests.environmentNumber("COLLECTD_FUZZ_SEED") ?? UInt64.random(in: 0...UInt64(UInt32.max))
        FileHandle.standardError.write(Data("collectd trace fuzz: seed \(seed)\n".utf8))
        // Thousands of parses: off the cooperative pool, so live listener tests running alongside keep a thread.
        let accepted = try await offCooperativePool {
            let types = TypesDB.builtIn
            let datagrams = Array(try CollectdVectors.allDatagrams().prefix(6))
            var decoder = NetworkDecoder(authFile: CollectdVectors.pieterAuth)
            let records =
                datagrams.flatMap { decoder.decode($0).records } + [
                    .notification(NetworkRoundTripTests.sampleNotifications()[0])
                ]
            let entries = datagrams.map { TraceEntry(receiveTime: 1_700_000_000, payload: .datagram($0)) }
            let traces: [[UInt8]] = TraceFormat.allCases.map { format in
                format.holdsDatagrams
                    ? TraceFile.render(entries, format: format, typesDB: types)
                    : TraceFile.render(
                        [TraceEntry(receiveTime: 1, payload: .records(records))],
                        format: format,
                        typesDB: types
                    )
            }
            var random = SeededGenerator(seed: seed)
            let interesting = Array("{}[]\",:\\\t\n\r0123456789.eE-+nulltruePUTVAL=\"U:N#".utf8) + [0, 0xFF, 0xC3]
            var accepted = 0
            for _ in 0..<3000 {
                var trace = traces[random.below(traces.count)]
                for _ in 0..<(1 + random.below(6)) {
                    guard !trace.isEmpty else { break }
                    let position = random.below(trace.count)
                    switch random.below(4) {
                    case 0: trace[position] = interesting[random.below(interesting.count)]
                    case 1: trace[position] ^= 1 << UInt8(random.below(8))
                    case 2: trace.removeSubrange(position..<min(trace.count, position + 1 + random.below(40)))
                    default: trace = Array(trace.prefix(position))
                    }
                }
                if (try? TraceFile.parse(trace, typesDB: types)) != nil { accepted += 1 }
            }
            return accepted
        }
        #expect(accepted > 0)
    }
}
