import Foundation
import TauCore
import TauProviders
import Testing

@testable import TauStore

/// A group of usage records is written with statements of power-of-two sizes, so that a
/// connection keeps a few prepared texts whatever the group sizes.
@Suite struct UsageGroupWriteTests {
    @Test func groupsSplitIntoPowerOfTwoStatements() {
        #expect(SQLUsageRepository.statementSizes(0) == [])
        #expect(SQLUsageRepository.statementSizes(1) == [1])
        #expect(SQLUsageRepository.statementSizes(200) == [128, 64, 8])
        #expect(SQLUsageRepository.statementSizes(256) == [256])
        #expect(SQLUsageRepository.statementSizes(700) == [256, 256, 128, 32, 16, 8, 4])
        for count in 0...600 {
            let sizes = SQLUsageRepository.statementSizes(count)
            #expect(sizes.reduce(0, +) == count)
            #expect(sizes.allSatisfy { $0 > 0 && $0 <= 256 && $0 & ($0 - 1) == 0 })
        }
    }
}
