import Prometheus
import TauCore
import TauProviders

/// The model gateway's counters, exposed on `/metrics` next to the mesh's.
///
/// Labels stay bounded although callers choose model names: a `model` label is the
/// requested name only when `isListed` says so (the node passes its aliases, built-in
/// ids and overrides), else `other`;
/// `status` and `code` are reason codes; `provider` is a configured provider name.
public final class GatewayMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let isListed: @Sendable (String) -> Bool
    private let breakersOpen: Gauge
    private let breakersHalfOpen: Gauge
    private let breakersFailing: Gauge

    /// Latency buckets from a quick cached answer to a long reasoning stream.
    static let latencyBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ]

    /// - Parameter isListed: whether a model name is one the node lists (used as a label as is).
    public init(registry: PrometheusCollectorRegistry, isListed: @escaping @Sendable (String) -> Bool) {
        self.registry = registry
        self.isListed = isListed
        breakersOpen = registry.makeGauge(descriptor: Self.name("breakers_open", "Routes whose circuit breaker is open"))
        breakersHalfOpen = registry.makeGauge(
            descriptor: Self.name("breakers_half_open", "Routes whose circuit breaker has a probe out"))
        breakersFailing = registry.makeGauge(
            descriptor: Self.name("breakers_failing", "Routes with failures in a row whose breaker is still closed"))
    }

    /// Counts one call that reached routing, from its usage record.
    public func record(_ record: UsageRecord) {
        let model = isListed(record.requestedModel) ? record.requestedModel : "other"
        let provider = record.route == "-" ? "none" : String(record.route.prefix { $0 != ":" })
        registry.makeCounter(
            descriptor: Self.name("requests", "Model calls that reached routing, by outcome", unit: "total"),
            labels: [("model", model), ("provider", provider), ("status", record.status)]
        ).increment()
        let tokens = Self.name("tokens", "Tokens of model calls (input includes cached)", unit: "total")
        for (kind, count) in [("input", record.usage.inputTokens), ("cached", record.usage.cachedInputTokens), ("output", record.usage.outputTokens)]
        where count > 0 {
            registry.makeCounter(descriptor: tokens, labels: [("model", model), ("provider", provider), ("type", kind)])
                .increment(by: Int64(count))
        }
        if let cost = record.cost, cost.isPositive {
            // Prometheus counters are doubles: the one place an amount becomes one.
            registry.makeCounter(
                descriptor: Self.name("cost_usd", "Cost of model calls in USD at catalog prices", unit: "total"),
                labels: [("model", model), ("provider", provider)]
            ).increment(by: Double(cost.microunits) / Double(Money.microunitsPerUnit))
        }
        registry.makeDurationHistogram(
            descriptor: Self.name("request_duration", "Time from routing to the end of the answer", unit: "seconds"),
            labels: [("model", model)], buckets: Self.latencyBuckets
        ).recordNanoseconds(Int64(record.latencyMilliseconds) * 1_000_000)
    }

    /// Counts an error answer of the OpenAI-compatible API, by reason code.
    public func error(code: String) {
        registry.makeCounter(
            descriptor: Self.name("errors", "Error answers of the OpenAI-compatible API, by reason code", unit: "total"),
            labels: [("code", code)]
        ).increment()
    }

    /// Sets the breaker gauges from the router's view of its breakers.
    public func breakers(_ statuses: [BreakerStatus]) {
        for (gauge, state) in [(breakersOpen, "open"), (breakersHalfOpen, "half_open"), (breakersFailing, "failing")] {
            gauge.set(Double(statuses.count { $0.state == state }))
        }
    }

    private static func name(_ metric: String, _ help: String, unit: String = "") -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tau", subsystem: "gateway", metricName: metric, unitName: unit, helpText: help)
    }
}
