// Fixed pieces of work, run once each, for scripts/instructions.sh to count under valgrind's callgrind: the counts
// do not depend on how busy the machine is, so a change that makes a hot path slower shows in a review. Only what
// runs inside `countedWork` is counted (callgrind --toggle-collect); setup and loading are not. Synchronous and
// single-threaded on purpose: valgrind follows it exactly.
import BenchmarkWork
import Collectd
import JSON
import JSONSchema
import Platform
import Replay
import Synchronization
import VESAgent
import VESModel

#if canImport(Glibc)
    import Glibc
#endif

/// The work callgrind counts; never inlined, so it stays a function callgrind can find by name.
@inline(never)
func countedWork(_ work: () -> Int) -> Int {
    work()
}

func fail(_ message: String) -> Never {
    var line = Array("ves-instructions: \(message)\n".utf8)
    _ = write(2, &line, line.count)
    exit(2)
}

func bytes(of path: String) -> [UInt8] {
    do {
        return try FileBytes.read(path)
    } catch {
        fail("cannot read \(path): \(error)")
    }
}

/// Parses and validates `body` `times` times; the number of violations (0 for a valid event).
func validations(of body: [UInt8], with validator: JSONSchemaValidator, times: Int) -> Int {
    let parser = JSONParser(internTable: KnownNames.table)
    guard let document = try? parser.parse(body), validator.validate(document).isEmpty else {
        fail("the event is not valid under the field set")
    }
    return countedWork {
        var violations = 0
        for _ in 0..<times {
            guard let value = try? parser.parse(body) else { return -1 }
            violations += validator.validate(value).count
        }
        return violations
    }
}

let usage = """
    usage: ves-instructions validate-1.1 EVENT | validate-7.2.1 EVENT | decode TRACE... | tick
      validate-*: parse and validate the event 10,000 times with the built-in field set
      decode: decode the traces' records, packed as collectd packs them, 100 times over
      tick: one 1.1 tick of an agent with 1,000 VMs of 10 series, every VM with a fresh sample
      ingest: the datagrams of 1,000 VMs x 10 series x 3 samples decoded into an agent's cache, 10 times over
    """
let arguments = Array(CommandLine.arguments.dropFirst())
guard let workload = arguments.first else { fail(usage) }
switch workload {
case "validate-1.1" where arguments.count == 2:
    print("violations:", validations(of: bytes(of: arguments[1]), with: VES11FieldSet.validator, times: 10_000))
case "validate-7.2.1" where arguments.count == 2:
    print("violations:", validations(of: bytes(of: arguments[1]), with: VES721FieldSet.validator, times: 10_000))
case "decode" where arguments.count >= 2:
    let typesDB = TypesDB.systemOrBuiltIn()
    var records: [CollectdRecord] = []
    for path in arguments.dropFirst() {
        guard let trace = try? LoadedTrace.load(path: path, typesDB: typesDB) else { fail("cannot load \(path)") }
        records += FixedWork.records(trace.entries)
    }
    let datagrams = FixedWork.datagrams(records)
    let lists = countedWork {
        var count = 0
        for _ in 0..<100 {
            var decoder = NetworkDecoder()
            for datagram in datagrams {
                _ = datagram.withUnsafeBytes { decoder.decode($0) { _ in count += 1 } }
            }
        }
        return count
    }
    print("records decoded:", lists, "from", datagrams.count, "datagrams x 100")
case "ingest" where arguments.count == 1:
    let datagrams = FixedWork.datagrams(FixedWork.records(FixedWork.generator(vms: 1000, samples: 3).entries()))
    let core = FixedWork.agentCore(clock: .wall) { _ in }
    // the series exist before counting: what is counted is the steady state, every value list an update
    for datagram in datagrams {
        datagram.withUnsafeBytes { core.ingest(datagram: $0) }
    }
    let passes = countedWork {
        for _ in 0..<10 {
            for datagram in datagrams {
                datagram.withUnsafeBytes { core.ingest(datagram: $0) }
            }
        }
        return 10
    }
    print("datagrams ingested:", datagrams.count, "x", passes)
case "tick" where arguments.count == 1:
    let records = FixedWork.records(FixedWork.generator(vms: 1000, samples: 2).entries())
    let samples = Dictionary(grouping: records) { $0.time }.sorted { $0.key < $1.key }.map(\.value)
    let built = Mutex(0)
    let core = FixedWork.agentCore(clock: .wall) { events in built.withLock { $0 += events.count } }
    core.ingest(samples[0])
    core.tick(now: 1_795_600_005)
    core.ingest(samples[1])
    let before = built.withLock { $0 }
    _ = countedWork {
        core.tick(now: 1_795_600_025)
        return 0
    }
    print("events built by the tick:", built.withLock { $0 } - before)
default:
    fail(usage)
}
exit(0)
