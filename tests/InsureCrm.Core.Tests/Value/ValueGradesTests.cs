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

    [Fact]
    public void GradeForecast_AllValuesInOneChunk_GuessesEveryGradeTheRankGives()
    {
        var ids = Enumerable.Range(1, 1000).Select(i => (long)i).ToArray();
        new Random(7).Shuffle(ids);
        var totals = ids.Select(id => (decimal)((1000 - id) / 4)).ToArray();
        var forecast = new GradeForecast(ValueOptions.DefaultGradeShares);
        for (var i = 0; i < ids.Length; i++)
        {
            forecast.Add(ids[i], totals[i]);
        }

        forecast.ChunkAdded();

        var guessed = ids.Zip(totals, (id, total) => (id, grade: forecast.Grade(id, total))).ToDictionary(x => x.id, x => x.grade);
        ValueGrades.Rank(ids, totals);
        var grades = ValueGrades.Assign(ids.Length, ValueOptions.DefaultGradeShares);
        ids.Select(id => guessed[id]).ShouldBe(grades.Select(g => g.ToString()));
    }

    [Fact]
    public void GradeForecast_ThirdChunk_KeepsTheBoundsOfTheSecondUntilTheFourth()
    {
        var forecast = new GradeForecast(ValueOptions.DefaultGradeShares);
        void Chunk(int from)
        {
            for (var v = from; v < from + 100; v++)
            {
                forecast.Add(v, v);
            }
            forecast.ChunkAdded();
        }
        Chunk(1);
        // A is the top 1 of 100: value 100 of id 100; the same value with a higher id ranks after it.
        forecast.Grade(100, 100m).ShouldBe("A");
        forecast.Grade(500, 100m).ShouldBe("B");
        Chunk(101);
        // Among 200 values, A is the top 2 (199, 200), B ranks 3-10, and the old top value 100 ranks 101st (F: 61-120).
        forecast.Grade(100, 100m).ShouldBe("F");
        forecast.Grade(199, 199m).ShouldBe("A");
        forecast.Grade(198, 198m).ShouldBe("B");
        Chunk(201);
        // Not re-read after the third chunk: 198 is still a B, although among 300 values it ranks 103rd (F).
        forecast.Grade(198, 198m).ShouldBe("B");
        Chunk(301);
        // Re-read after the fourth: among 400 values, A is 397-400, 198 ranks 203rd (F: 121-240) and 100 301st (G).
        forecast.Grade(397, 397m).ShouldBe("A");
        forecast.Grade(198, 198m).ShouldBe("F");
        forecast.Grade(100, 100m).ShouldBe("G");
    }

    [Fact]
    public void GradeForecast_FromBounds_GuessesByTheGivenBoundsWhateverIsAdded()
    {
        // A ends with (500, id 7), B with (400, id 3), C nobody had, D with (100, id 9), E and F with (0, ids 20 and 40).
        var forecast = GradeForecast.FromBounds([(500m, 7L), (400m, 3L), null, (100m, 9L), (0m, 20L), (0m, 40L)]);
        for (var v = 1; v <= 100; v++)
        {
            forecast.Add(v, v);
        }
        forecast.ChunkAdded();

        forecast.Grade(7, 500m).ShouldBe("A");
        forecast.Grade(8, 500m).ShouldBe("B", "the same total with a higher id ranks after A's last");
        forecast.Grade(1, 450m).ShouldBe("B");
        forecast.Grade(4, 400m).ShouldBe("D", "C took nobody");
        forecast.Grade(1, 99m).ShouldBe("E");
        forecast.Grade(30, 0m).ShouldBe("F");
        forecast.Grade(41, 0m).ShouldBe("G");
        forecast.Grade(1, -5m).ShouldBe("G");
    }
}
