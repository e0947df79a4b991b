import Testing

/// The multi-process tests of paid delegation (issue 13), one suite at a time: each runs three
/// or more `tau-node serve` processes, and together they would starve the rest of the suite
/// of the two cores its timing-sensitive tests need.
@Suite(.serialized, .timeLimit(.minutes(30)))
enum PaidMesh {}
