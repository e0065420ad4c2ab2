import Foundation
import Synchronization

/// One thread per connection, each making blocking libcurl calls: a round of POSTs costs a thread wake-up per POST,
/// where a task per POST, a hop to a dispatch queue and a resumption cost three or four.
final class SendLanes: Sendable {
    /// A thread waiting for one job at a time; a nil job ends it.
    private final class Lane: Sendable {
        let jobs = Mutex<[(@Sendable () -> Void)?]>([])
        let ready = DispatchSemaphore(value: 0)

        init(index: Int) {
            let thread = Thread { [self] in
                while true {
                    ready.wait()
                    guard let job = jobs.withLock({ $0.removeFirst() }) else { return }
                    job()
                }
            }
            thread.name = "ves-agent send lane \(index)"
            thread.start()
        }

        func submit(_ job: (@Sendable () -> Void)?) {
            jobs.withLock { $0.append(job) }
            ready.signal()
        }
    }

    private let lanes: [Lane]

    init(count: Int) {
        lanes = (0..<max(1, count)).map { Lane(index: $0) }
    }

    deinit {
        for lane in lanes { lane.submit(nil) }
    }

    /// Runs each job on a lane of its own (job i on lane i; at most as many jobs as lanes) and gives their results
    /// in order once all are done.
    func run<Result: Sendable>(_ jobs: [@Sendable () -> Result]) async -> [Result] {
        precondition(jobs.count <= lanes.count, "more jobs than lanes")
        guard !jobs.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let results = Mutex<[Result?]>(Array(repeating: nil, count: jobs.count))
            let remaining = Atomic<Int>(jobs.count)
            for (index, job) in jobs.enumerated() {
                lanes[index].submit {
                    let result = job()
                    results.withLock { $0[index] = result }
                    if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                        continuation.resume(returning: results.withLock { $0.compactMap { $0 } })
                    }
                }
            }
        }
    }
}
