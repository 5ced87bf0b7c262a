using InsureCrm.Core.Common;

namespace InsureCrm.Core.Tests.Common;

public sealed class FieldPoolTests
{
    [Fact]
    public void RepeatedShortValues_ComeBackAsOneStringWithTheSameText()
    {
        var pool = new FieldPool(2);

        var first = pool.Get(0, "Monthly".AsSpan());
        var again = pool.Get(0, "Monthly".ToCharArray());
        var other = pool.Get(1, "서울특별시".AsSpan());

        again.ShouldBe("Monthly");
        ReferenceEquals(first, again).ShouldBeTrue("a repeated value is the string read before");
        other.ShouldBe("서울특별시");
        pool.Get(1, ReadOnlySpan<char>.Empty).ShouldBe("");
    }

    [Fact]
    public void ValuesThatNeverRepeat_AreStillReadRightAfterTheColumnStopsPooling()
    {
        var pool = new FieldPool(1);
        var count = FieldPool.ValuesPerColumn + 3000;

        for (var i = 0; i < count; i++)
        {
            pool.Get(0, $"T-{i:D7}".AsSpan()).ShouldBe($"T-{i:D7}");
        }
        // Pooled from the first values, and the column's later (unique) values were neither kept nor lost.
        ReferenceEquals(pool.Get(0, "T-0000001".AsSpan()), pool.Get(0, "T-0000001".AsSpan())).ShouldBeFalse("the column stopped being looked up");
        var longer = new string('x', FieldPool.MaxLength + 1);
        pool.Get(0, longer.AsSpan()).ShouldBe(longer);
    }
}
