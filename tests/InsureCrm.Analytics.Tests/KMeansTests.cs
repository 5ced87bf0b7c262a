namespace InsureCrm.Analytics.Tests;

public sealed class KMeansTests
{
    private static readonly double[][] ThreeCenters = [[0, 0, 0, 0], [12, 12, 0, 0], [-12, 12, 6, -6]];

    // 15,000 rows x 4 features x K=3 is above the parallel threshold, so the threaded path is exercised.
    private static (DataMatrix Data, int[] Truth) ThreeBlobs() => Blobs.Generate(ThreeCenters, 5000, 1.0, 42);

    [Fact]
    public void Fit_ThreeSeparatedBlobs_RecoversThem()
    {
        var (data, truth) = ThreeBlobs();

        var model = new KMeans(new KMeansOptions { K = 3, Seed = 7 }).Fit(data);
        var labels = model.PredictMany(data);

        Blobs.AdjustedRandIndex(truth, labels).ShouldBeGreaterThanOrEqualTo(0.99);
        foreach (var center in ThreeCenters)
        {
            var nearest = model.Centroids.Row(model.Predict(center));
            for (var f = 0; f < center.Length; f++)
            {
                nearest[f].ShouldBe(center[f], 0.1);
            }
        }
    }

    [Fact]
    public void Fit_SameSeed_IdenticalCentroidsAndLabelsWhateverTheThreadCount()
    {
        var (data, _) = Blobs.Generate([[0, 0], [3, 0], [0, 3], [3, 3], [1.5, 1.5]], 4000, 1.0, 3);
        var options = new KMeansOptions { K = 5, Seed = 11, NInit = 2 };

        var first = new KMeans(options).Fit(data);
        var second = new KMeans(options).Fit(data);
        var singleThread = new KMeans(options with { MaxDegreeOfParallelism = 1 }).Fit(data);

        second.Centroids.Values.ToArray().ShouldBe(first.Centroids.Values.ToArray());
        singleThread.Centroids.Values.ToArray().ShouldBe(first.Centroids.Values.ToArray());
        second.Inertia.ShouldBe(first.Inertia);
        singleThread.Inertia.ShouldBe(first.Inertia);
        second.PredictMany(data).ShouldBe(first.PredictMany(data));
    }

    [Fact]
    public void Fit_DifferentSeeds_FindSamePartitionOnSeparableData()
    {
        var (data, _) = ThreeBlobs();
        var reference = new KMeans(new KMeansOptions { K = 3, Seed = 1 }).Fit(data).PredictMany(data);

        int[] seeds = [2, 3, 99, 12345];
        foreach (var seed in seeds)
        {
            var labels = new KMeans(new KMeansOptions { K = 3, Seed = seed }).Fit(data).PredictMany(data);
            Blobs.AdjustedRandIndex(reference, labels).ShouldBe(1.0, 1e-12, $"seed {seed}");
        }
    }

    [Fact]
    public void Fit_KIsOne_CentroidIsTheMean()
    {
        var data = DataMatrix.FromRows([[1, 10], [2, 20], [6, 30], [7, 100]]);

        var model = new KMeans(new KMeansOptions { K = 1 }).Fit(data);

        model.Centroids.Row(0).ToArray().ShouldBe([4.0, 40.0], 1e-12);
        // Inertia is the total squared deviation from the mean: (9+4+4+9) + (900+400+100+3600).
        model.Inertia.ShouldBe(5026.0, 1e-9);
    }

    [Fact]
    public void Fit_MoreClustersThanDistinctRows_ThrowsArgumentExceptionNamingTheCount()
    {
        var data = DataMatrix.FromRows([[1, 1], [2, 2], [1, 1], [3, 3], [2, 2], [3, 3]]);

        var error = Should.Throw<ArgumentException>(() => new KMeans(new KMeansOptions { K = 4 }).Fit(data));

        error.Message.ShouldContain("K = 4");
        error.Message.ShouldContain("only 3 distinct");
    }

    [Fact]
    public void Fit_ThreeDistinctRowsAndKThree_PutsOneCentroidOnEach()
    {
        var data = DataMatrix.FromRows([[1, 1], [2, 2], [1, 1], [3, 3], [2, 2], [3, 3]]);

        var model = new KMeans(new KMeansOptions { K = 3 }).Fit(data);

        model.Inertia.ShouldBe(0.0);
        model.PredictMany(data).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void Fit_NonFiniteValue_ThrowsArgumentException()
    {
        var data = DataMatrix.FromRows([[1, 1], [2, double.NaN], [3, 3]]);

        Should.Throw<ArgumentException>(() => new KMeans(new KMeansOptions { K = 2 }).Fit(data))
            .Message.ShouldContain("Row 1, column 1");
    }

    [Fact]
    public void Fit_MoreRestarts_InertiaDecreasesOrStays()
    {
        // Eight overlapping blobs: seedings differ in quality, so restarts have something to win.
        var centers = Enumerable.Range(0, 8).Select(i => new[] { i % 4 * 2.0, i / 4 * 2.0, i % 3 * 1.0 }).ToArray();
        var (data, _) = Blobs.Generate(centers, 300, 1.2, 5);

        double Inertia(int restarts) => new KMeans(new KMeansOptions { K = 8, Seed = 21, NInit = restarts }).Fit(data).Inertia;
        double[] inertias = [Inertia(1), Inertia(3), Inertia(10)];

        inertias[1].ShouldBeLessThanOrEqualTo(inertias[0]);
        inertias[2].ShouldBeLessThanOrEqualTo(inertias[1]);
    }

    [Fact]
    public void Fit_ClusterEmptiesDuringIterations_ReseedsItFromTheFarthestRow()
    {
        var (data, truth) = Blobs.Generate([[0, 0], [10, 0]], 200, 0.5, 8);
        // Both starting centroids lie far above the data; the second is farther, so every row joins the
        // first and the second cluster is empty after the first assignment.
        var model = new KMeans(new KMeansOptions { K = 2 }).FitFrom(data, [5, 1000, 5, 1001]);

        var labels = model.PredictMany(data);
        labels.Distinct().Count().ShouldBe(2);
        Blobs.AdjustedRandIndex(truth, labels).ShouldBe(1.0, 1e-12);
    }

    [Fact]
    public void Predict_AnyPoint_ReturnsNearestCentroid()
    {
        var (data, _) = Blobs.Generate([[0, 0], [4, 1], [1, 5], [6, 6]], 250, 1.5, 17);
        var model = new KMeans(new KMeansOptions { K = 4, Seed = 2 }).Fit(data);
        var random = new Random(4);

        for (var t = 0; t < 500; t++)
        {
            double[] point = [(random.NextDouble() * 12) - 3, (random.NextDouble() * 12) - 3];
            var expected = Enumerable.Range(0, model.K)
                .MinBy(j => Math.Pow(point[0] - model.Centroids[j, 0], 2) + Math.Pow(point[1] - model.Centroids[j, 1], 2));
            model.Predict(point).ShouldBe(expected);
        }
    }

    [Fact]
    public void PredictMany_FromManyThreads_AgreesWithPredictRowByRow()
    {
        var (data, _) = ThreeBlobs();
        var model = new KMeans(new KMeansOptions { K = 3, Seed = 9 }).Fit(data);
        var expected = Enumerable.Range(0, data.Rows).Select(i => model.Predict(data.Row(i))).ToArray();

        var results = new int[8][];
        Parallel.For(0, results.Length, t => results[t] = model.PredictMany(data));

        foreach (var labels in results)
        {
            labels.ShouldBe(expected);
        }
    }

    [Fact]
    public void Predict_WrongRowLength_ThrowsArgumentException()
    {
        var model = new KMeansModel(DataMatrix.FromRows([[0, 0], [1, 1]]), double.NaN, 0);

        Should.Throw<ArgumentException>(() => model.Predict([1.0, 2.0, 3.0]));
    }
}
