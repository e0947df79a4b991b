import CoreMetrics
import Synchronization
import TauCore
import TauProviders

/// The model gateway's counters, exposed on `/metrics` next to the mesh's.
///
/// Labels stay bounded although callers choose model names: a `model` label is the
/// requested name only when `isListed` says so (the node passes its aliases, built-in
/// ids and overrides), else `other`;
/// `status` and `code` are reason codes; `provider` is a configured provider name.
public final class GatewayMetrics: Sendable {
    let factory: any MetricsFactory
    let isListed: @Sendable (String) -> Bool
    private let breakersOpen: Gauge
    private let breakersHalfOpen: Gauge
    private let breakersFailing: Gauge
    private let runsRunning: Gauge
    /// The metric handles made so far, by metric and labels: looking a series up in the
    /// factory (a lock and a key built of strings for each metric) cost more than the counting.
    /// Bounded, because the labels are (see above). Made on first use, as before, so that a
    /// series appears on `/metrics` only once it has counted something.
    private let handles = Mutex<[String: any Sendable]>([:])

    /// Help texts by metric name, for the exporter.
    public static let help: [String: String] = [
        "tau_gateway_requests_total": "Model calls that reached routing, by outcome",
        "tau_gateway_tokens_total": "Tokens of model calls (input includes cached)",
        "tau_gateway_cost_usd_total": "Cost of model calls in USD at catalog prices",
        "tau_gateway_request_duration_seconds": "Time from routing to the end of the answer",
        "tau_gateway_errors_total": "Error answers of the OpenAI-compatible API, by reason code",
        "tau_gateway_breakers_open": "Routes whose circuit breaker is open",
        "tau_gateway_breakers_half_open": "Routes whose circuit breaker has a probe out",
        "tau_gateway_breakers_failing": "Routes with failures in a row whose breaker is still closed",
        "tau_agent_runs_total": "Runs of the runs API that ended, by outcome",
        "tau_agent_runs_running": "Runs of the runs API this replica runs now",
    ]

    /// Histogram buckets by metric name, for the exporter.
    public static var buckets: [String: [Duration]] { ["tau_gateway_request_duration_seconds": latencyBuckets] }

    /// Latency buckets from a quick cached answer to a long reasoning stream.
    static let latencyBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// - Parameter isListed: whether a model name is one the node lists (used as a label as is).
    public init(factory: any MetricsFactory, isListed: @escaping @Sendable (String) -> Bool) {
        self.factory = factory
        self.isListed = isListed
        breakersOpen = Gauge(label: "tau_gateway_breakers_open", factory: factory)
        breakersHalfOpen = Gauge(label: "tau_gateway_breakers_half_open", factory: factory)
        breakersFailing = Gauge(label: "tau_gateway_breakers_failing", factory: factory)
        runsRunning = Gauge(label: "tau_agent_runs_running", factory: factory)
    }

    /// Counts a run of the runs API that ended (`outcome` is one of the agent's fixed codes)
    /// and how many this replica still runs.
    public func agentRunEnded(outcome: String, running: Int) {
        CoreMetrics.Counter(label: "tau_agent_runs_total", dimensions: [("outcome", outcome)], factory: factory).increment()
        runsRunning.record(running)
    }

    /// How many runs this replica runs, when one starts.
    public func agentRunStarted(running: Int) {
        runsRunning.record(running)
    }

    /// Counts one call that reached routing, from its usage record.
    public func record(_ record: UsageRecord) {
        let model = isListed(record.requestedModel) ? record.requestedModel : "other"
        let provider = record.route == "-" ? "none" : String(record.route.prefix { $0 != ":" })
        handle("requests", model, provider, record.status) {
            CoreMetrics.Counter(
                label: "tau_gateway_requests_total", dimensions: [("model", model), ("provider", provider), ("status", record.status)],
                factory: factory)
        }.increment()
        for (kind, count) in [("input", record.usage.inputTokens), ("cached", record.usage.cachedInputTokens), ("output", record.usage.outputTokens)]
        where count > 0 {
            handle("tokens", model, provider, kind) {
                CoreMetrics.Counter(
                    label: "tau_gateway_tokens_total", dimensions: [("model", model), ("provider", provider), ("type", kind)], factory: factory)
            }.increment(by: Int64(count))
        }
        if let cost = record.cost, cost.isPositive {
            // Prometheus counters are doubles: the one place an amount becomes one.
            handle("cost", model, provider) {
                FloatingPointCounter(label: "tau_gateway_cost_usd_total", dimensions: [("model", model), ("provider", provider)], factory: factory)
            }.increment(by: Double(cost.microunits) / Double(Money.microunitsPerUnit))
        }
        handle("duration", model) {
            CoreMetrics.Timer(label: "tau_gateway_request_duration_seconds", dimensions: [("model", model)], factory: factory)
        }.recordNanoseconds(Int64(record.latencyMilliseconds) * 1_000_000)
    }

    /// The handle of one series, made by `make` the first time.
    private func handle<Handle: Sendable>(_ parts: String..., make: () -> Handle) -> Handle {
        let key = parts.joined(separator: "\u{0}")
        if let known = handles.withLock({ $0[key] as? Handle }) { return known }
        let made = make()
        // Two calls may make one series at once; the factory gives both the same series.
        handles.withLock { $0[key] = made }
        return made
    }

    /// Counts an error answer of the OpenAI-compatible API, by reason code.
    public func error(code: String) {
        handle("errors", code) { CoreMetrics.Counter(label: "tau_gateway_errors_total", dimensions: [("code", code)], factory: factory) }
            .increment()
    }

    /// Sets the breaker gauges from the router's view of its breakers.
    public func breakers(_ statuses: [BreakerStatus]) {
        for (gauge, state) in [(breakersOpen, "open"), (breakersHalfOpen, "half_open"), (breakersFailing, "failing")] {
            gauge.record(statuses.count { $0.state == state })
        }
    }
}
