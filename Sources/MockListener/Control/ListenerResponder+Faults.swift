import Hummingbird
import JSON
import Logging
import NIOCore
import VESModel

/// Answers a request with the fault the test-control API injected, recording what it carried.
extension ListenerResponder {
    /// Takes the next injected fault, if any: waits its delay, then answers with it unless it only delays (a 2xx
    /// without a dropped connection), in which case nil lets the request go on as usual.
    func injectedFaultAnswer(_ request: Request, context: Context, route: EventRoute) async throws -> Response? {
        guard let fault = control.takeFault() else { return nil }
        if fault.delayMilliseconds > 0 {
            try? await Task.sleep(for: .milliseconds(fault.delayMilliseconds))
        }
        guard fault.dropConnection || !(200...299).contains(fault.status) else { return nil }
        return try await answerWithFault(fault, request: request, context: context, route: route)
    }

    func answerWithFault(
        _ fault: InjectedFault,
        request: Request,
        context: Context,
        route: EventRoute
    ) async throws -> Response {
        var body: [UInt8] = []
        for try await chunk in request.body {
            body += chunk.readableBytesView.prefix(max(0, Self.rawLimit - body.count))
        }
        let document = try? JSONParser(maxDepth: Self.maxDepth).parse(body)
        let event = document.map { $0["event"] ?? $0 }
        let record = EventRecord(
            kind: .fault,
            path: request.uri.path,
            route: route,
            status: fault.dropConnection ? 0 : fault.status,
            errors: [.note(fault.dropConnection ? "connection dropped by an injected fault" : "injected fault")],
            warnings: [],
            event: event,
            raw: event == nil ? Self.rawText(body) : nil
        )
        try keep([record])
        logger.info(
            "injected fault",
            metadata: ["status": "\(fault.status)", "drop_connection": "\(fault.dropConnection)"]
        )
        if fault.dropConnection {
            try? await context.channel.close()
            throw ListenerError(code: .fault, message: "connection dropped by an injected fault")
        }
        let error: RequestError =
            fault.status >= 500
            ? StoreFailure.requestError
            : .serviceError("fault injected by the test-control API", status: fault.status)
        var response = Self.json(HTTPResponse.Status(code: fault.status), error.json)
        if fault.status == 429 || fault.status == 503 {
            response.headers[.retryAfter] = "1"
        }
        return response
    }
}
