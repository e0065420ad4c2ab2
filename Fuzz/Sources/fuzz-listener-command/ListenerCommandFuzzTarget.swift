import FuzzDriver
import JSON
import VESAgent

/// The agent's reading of a listener's 202 answer: the commands in its `commandList`, applied to a throttling
/// policy whose state body is then built, as the agent's send loop does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let commands = ListenerCommand.parse(body: inputBytes(data, size))
    precondition(commands.count <= ListenerCommand.maximumCommands + 1, "more commands than the cap")
    var policy = ThrottlingPolicy()
    for command in commands {
        switch command {
        case .throttlingSpecification(let specification):
            policy.set(specification)
        case .measurementIntervalChange(let seconds):
            precondition(ListenerCommand.measurementIntervals.contains(seconds), "an interval out of range")
        default:
            break
        }
    }
    _ = policy.stateBody.jsonBytes()
    return 0
}
