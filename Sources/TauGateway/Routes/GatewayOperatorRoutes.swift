import Hummingbird
import TauCore
import TauProviders

/// Operator view of the model gateway (operator token required):
/// - `GET /gateway/v1/breakers`: the routes whose circuit breaker is open, half-open
///   or counting failures.
struct GatewayOperatorRoutes {
    let dependencies: GatewayDependencies

    func register(on router: Router<GatewayRequestContext>) {
        router.get("gateway/v1/breakers") { request, _ -> Response in
            try dependencies.authorizeOperator(request)
            guard let models = dependencies.models else {
                throw GatewayError(status: .serviceUnavailable, code: "model_gateway_off", message: "this node serves no models")
            }
            let statuses = await models.service.router.breakerStatuses()
            return .json(["breakers": .array(statuses.map(Self.json))])
        }
    }

    static func json(_ status: BreakerStatus) -> JSONValue {
        var object: [String: JSONValue] = ["route": .string(status.route), "state": .string(status.state)]
        if status.state == "failing" { object["consecutiveFailures"] = .number(Double(status.consecutiveFailures)) }
        if let wait = status.probeIn {
            object["probeInSeconds"] = .number((wait.timeInterval * 1000).rounded() / 1000)
        }
        return .object(object)
    }
}
