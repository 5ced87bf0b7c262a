using InsureCrm.Core.Value;

namespace InsureCrm.Core.Tests.Value;

public sealed class ValueGradesTests
{
    [Fact]
    public void Assign_ThousandRankedValuesWithTies_DefaultSharesGiveExactCountsAndLowerIdWinsTies()
    {
        // Ids 1..1000 with values falling in steps of four (ties of four), given in a shuffled order.
        var ids = Enumerable.Range(1, 1000).Select(i => (long)i).ToArray();
        new Random(5).Shuffle(ids);
        var totals = ids.Select(id => (decimal)((1000 - id) / 4)).ToArray();

        ValueGrades.Rank(ids, totals);
        var grades = ValueGrades.Assign(ids.Length, ValueOptions.DefaultGradeShares);

        grades.GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count())
            .ShouldBe(new Dictionary<char, int> { ['A'] = 10, ['B'] = 40, ['C'] = 50, ['D'] = 100, ['E'] = 100, ['F'] = 300, ['G'] = 400 }, ignoreOrder: true);
        // Ids 9-12 share a value; the cut after rank 10 puts 9 and 10 in A, 11 and 12 in B.
        grades[Array.IndexOf(ids, 10L)].ShouldBe('A');
        grades[Array.IndexOf(ids, 11L)].ShouldBe('B');
    }

    [Fact]
    public void Concentration_WithLossMakingCustomers_DecilesTopFirstSumToOneAndBottomNegative()
    {
        var totals = Enumerable.Range(0, 1000).Select(i => (decimal)(900 - i)).ToList();

        var deciles = ValueGrades.Concentration(totals);

        deciles.Count.ShouldBe(10);
        deciles.Sum(d => d.Share).ShouldBe(1m, 0.000000001m);
        deciles.Sum(d => d.Customers).ShouldBe(1000);
        deciles[0].Share.ShouldBeGreaterThan(deciles[1].Share);
        deciles[9].Share.ShouldBeLessThan(0m);
    }
}
