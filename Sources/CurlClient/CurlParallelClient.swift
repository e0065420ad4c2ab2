import CCurl
import Foundation
import Synchronization

/// Several requests at once on one thread, through libcurl's multi interface: the thread wakes up when any answer is
/// ready and takes every one that is, so N connections cost one thread and a wake-up per round, not a thread and a
/// wake-up per request. Connections are kept alive between rounds.
public final class CurlParallelClient: Sendable {
    /// The thread's side: only it touches the handles.
    private final class Transfers: @unchecked Sendable {
        let multi: UnsafeMutableRawPointer
        let easy: [UnsafeMutableRawPointer]
        let configuration: CurlClientConfiguration

        init(connections: Int, configuration: CurlClientConfiguration) {
            guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed: libcurl is out of memory") }
            self.multi = multi
            // keep every connection between rounds (by default the cache follows the handles added at the moment)
            _ = ves_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, connections)
            easy = (0..<connections).map { _ in
                guard let curl = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
                return curl
            }
            self.configuration = configuration
        }

        deinit {
            for curl in easy { curl_easy_cleanup(curl) }
            curl_multi_cleanup(multi)
        }

        func perform(_ requests: [CurlRequest]) -> [Result<CurlResponse, CurlError>] {
            var results = [Result<CurlResponse, CurlError>?](repeating: nil, count: requests.count)
            var transfers = [CurlTransfer?](repeating: nil, count: requests.count)
            for (index, request) in requests.enumerated() {
                do throws(CurlError) {
                    transfers[index] = try CurlTransfer(
                        curl: easy[index],
                        request: request,
                        configuration: configuration
                    )
                    _ = curl_multi_add_handle(multi, easy[index])
                } catch {
                    results[index] = .failure(error)
                }
            }
            var running: Int32 = 0
            repeat {
                let code = curl_multi_perform(multi, &running)
                var left: Int32 = 0
                while let message = curl_multi_info_read(multi, &left) {
                    guard message.pointee.msg == CURLMSG_DONE,
                        let index = easy.firstIndex(where: { $0 == message.pointee.easy_handle }),
                        let transfer = transfers[index]
                    else { continue }
                    let result = message.pointee.data.result
                    results[index] = Result { () throws(CurlError) in try transfer.response(after: result) }
                    _ = curl_multi_remove_handle(multi, easy[index])
                    transfers[index] = nil
                }
                guard code == CURLM_OK else { break }
                if running > 0 { _ = curl_multi_poll(multi, nil, 0, 1000, nil) }
            } while running > 0
            // whatever the multi handle gave up on (it cannot, short of running out of memory) is an error
            for index in results.indices where results[index] == nil {
                if transfers[index] != nil { _ = curl_multi_remove_handle(multi, easy[index]) }
                results[index] = .failure(CurlError(code: -1, message: "the transfer did not finish"))
            }
            return results.map { $0! }
        }
    }

    /// Work for the thread, in order; nil ends it.
    private final class JobQueue: Sendable {
        private let jobs = Mutex<[(@Sendable (Transfers) -> Void)?]>([])
        private let ready = DispatchSemaphore(value: 0)

        func submit(_ job: (@Sendable (Transfers) -> Void)?) {
            jobs.withLock { $0.append(job) }
            ready.signal()
        }

        func next() -> (@Sendable (Transfers) -> Void)? {
            ready.wait()
            return jobs.withLock { $0.removeFirst() }
        }
    }

    private let connections: Int
    private let queue = JobQueue()

    public init(connections: Int, configuration: CurlClientConfiguration = .init()) {
        _ = CurlClient.globalInit
        self.connections = max(1, connections)
        let transfers = Transfers(connections: self.connections, configuration: configuration)
        let thread = Thread { [queue] in
            while let job = queue.next() { job(transfers) }
        }
        thread.name = "curl parallel client"
        thread.start()
    }

    deinit { queue.submit(nil) }

    /// Sends the requests at once, at most as many as the client's connections, and gives their results in order.
    public func send(_ requests: [CurlRequest]) async -> [Result<CurlResponse, CurlError>] {
        precondition(requests.count <= connections, "more requests than connections")
        guard !requests.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            queue.submit { transfers in continuation.resume(returning: transfers.perform(requests)) }
        }
    }
}
