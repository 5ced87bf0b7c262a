namespace InsureCrm.Analytics;

/// <summary>
/// k-means clustering: k-means++ seeding (greedy D² sampling, as scikit-learn) followed by Lloyd iterations,
/// with <see cref="KMeansOptions.NInit"/> restarts. The assignment step runs in parallel on large data, yet
/// the result depends only on the data and <see cref="KMeansOptions.Seed"/>: rows are processed in fixed
/// chunks whose partial sums are added in chunk order, never in thread completion order.
/// </summary>
/// <remarks>Standardize the columns first (<see cref="Standardizer"/>) unless they share a unit.</remarks>
/// <param name="options">The clustering settings.</param>
public sealed class KMeans(KMeansOptions options)
{
    // Rows per chunk: the unit of parallel work and of deterministic reduction.
    private const int ChunkRows = 4096;

    // Below this many distance terms per pass, threads cost more than they save.
    private const long ParallelWork = 1L << 17;

    /// <summary>The settings this instance fits with.</summary>
    public KMeansOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Clusters the rows of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The data has fewer distinct rows than <see cref="KMeansOptions.K"/>, or holds NaN or infinite values.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancelled between iterations.</exception>
    public KMeansModel Fit(DataMatrix data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        Options.Validate();
        var run = new Run(data, Options, cancellationToken);
        var meanVariance = run.MeanColumnVarianceAndCheckFinite();
        run.RequireDistinctRows();
        var tolerance = Options.Tolerance * meanVariance;

        var master = new Random(Options.Seed);
        Result? best = null;
        for (var init = 0; init < Options.NInit; init++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var random = new Random(master.Next());
            var result = run.Lloyd(run.SeedPlusPlus(random), tolerance);
            if (best is null || result.Inertia < best.Inertia)
            {
                best = result;
            }
        }
        return new KMeansModel(DataMatrix.Wrap(Options.K, data.Columns, best!.Centroids), best.Inertia, best.Iterations);
    }

    // Lloyd from given starting centroids, bypassing k-means++: lets tests force an empty cluster.
    internal KMeansModel FitFrom(DataMatrix data, double[] initialCentroids)
    {
        Options.Validate();
        var run = new Run(data, Options, CancellationToken.None);
        var tolerance = Options.Tolerance * run.MeanColumnVarianceAndCheckFinite();
        run.RequireDistinctRows();
        var result = run.Lloyd((double[])initialCentroids.Clone(), tolerance);
        return new KMeansModel(DataMatrix.Wrap(Options.K, data.Columns, result.Centroids), result.Inertia, result.Iterations);
    }

    private sealed record Result(double[] Centroids, double Inertia, int Iterations);

    private sealed class Run
    {
        private readonly double[] _x;
        private readonly int _n;
        private readonly int _d;
        private readonly int _k;
        private readonly int _maxIterations;
        private readonly int _chunks;
        private readonly ParallelOptions? _parallel;
        private readonly CancellationToken _cancellationToken;

        public Run(DataMatrix data, KMeansOptions options, CancellationToken cancellationToken)
        {
            _x = data.Buffer;
            _n = data.Rows;
            _d = data.Columns;
            _k = options.K;
            _maxIterations = options.MaxIterations;
            _chunks = (_n + ChunkRows - 1) / ChunkRows;
            _cancellationToken = cancellationToken;
            if (_chunks > 1 && Environment.ProcessorCount > 1 && (long)_n * _k * _d >= ParallelWork)
            {
                _parallel = new ParallelOptions
                {
                    CancellationToken = cancellationToken,
                    MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? -1,
                };
            }
        }

        private ReadOnlySpan<double> Row(int i) => _x.AsSpan(i * _d, _d);

        private void ForEachChunk(Action<int, int, int> body)
        {
            if (_parallel is null)
            {
                for (var c = 0; c < _chunks; c++)
                {
                    body(c, c * ChunkRows, Math.Min(_n, (c + 1) * ChunkRows));
                }
            }
            else
            {
                Parallel.For(0, _chunks, _parallel, c => body(c, c * ChunkRows, Math.Min(_n, (c + 1) * ChunkRows)));
            }
        }

        public double MeanColumnVarianceAndCheckFinite()
        {
            var means = new double[_d];
            var m2 = new double[_d];
            for (var i = 0; i < _n; i++)
            {
                var row = Row(i);
                for (var c = 0; c < _d; c++)
                {
                    var v = row[c];
                    if (!double.IsFinite(v))
                    {
                        throw new ArgumentException($"Row {i}, column {c} is not a finite number.", "data");
                    }
                    var delta = v - means[c];
                    means[c] += delta / (i + 1);
                    m2[c] += delta * (v - means[c]);
                }
            }
            return m2.Sum() / _n / _d;
        }

        public void RequireDistinctRows()
        {
            // Stops at the first K distinct rows, which on real data is within the first few rows.
            var distinct = new List<int>(_k);
            for (var i = 0; i < _n && distinct.Count < _k; i++)
            {
                var row = Row(i);
                var seen = false;
                foreach (var j in distinct)
                {
                    if (row.SequenceEqual(Row(j)))
                    {
                        seen = true;
                        break;
                    }
                }
                if (!seen)
                {
                    distinct.Add(i);
                }
            }
            if (distinct.Count < _k)
            {
                throw new ArgumentException(
                    $"K = {_k} clusters were requested, but the data has only {distinct.Count} distinct row(s) " +
                    $"among {_n}; lower K or supply more varied data.", "data");
            }
        }

        /// <summary>Greedy k-means++: each new centre is the best of 2 + ln K candidates drawn by D² sampling.</summary>
        public double[] SeedPlusPlus(Random random)
        {
            var centers = new double[_k * _d];
            var closest = new double[_n];
            var chunkSums = new double[_chunks];
            var first = random.Next(_n);
            Row(first).CopyTo(centers);
            ForEachChunk((c, from, to) =>
            {
                var center = centers.AsSpan(0, _d);
                var sum = 0.0;
                for (var i = from; i < to; i++)
                {
                    closest[i] = VectorMath.SquaredDistance(Row(i), center);
                    sum += closest[i];
                }
                chunkSums[c] = sum;
            });
            var potential = SumInOrder(chunkSums);

            var trials = 2 + (int)Math.Log(_k);
            var trialSums = new double[_chunks];
            for (var center = 1; center < _k; center++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var bestCandidate = -1;
                var bestPotential = double.PositiveInfinity;
                for (var t = 0; t < trials; t++)
                {
                    var candidate = Sample(random, closest, chunkSums, potential);
                    ForEachChunk((c, from, to) =>
                    {
                        var row = Row(candidate);
                        var sum = 0.0;
                        for (var i = from; i < to; i++)
                        {
                            sum += Math.Min(closest[i], VectorMath.SquaredDistance(Row(i), row));
                        }
                        trialSums[c] = sum;
                    });
                    var trialPotential = SumInOrder(trialSums);
                    if (trialPotential < bestPotential)
                    {
                        bestPotential = trialPotential;
                        bestCandidate = candidate;
                    }
                }
                Row(bestCandidate).CopyTo(centers.AsSpan(center * _d, _d));
                ForEachChunk((c, from, to) =>
                {
                    var row = Row(bestCandidate);
                    var sum = 0.0;
                    for (var i = from; i < to; i++)
                    {
                        closest[i] = Math.Min(closest[i], VectorMath.SquaredDistance(Row(i), row));
                        sum += closest[i];
                    }
                    chunkSums[c] = sum;
                });
                potential = SumInOrder(chunkSums);
            }
            return centers;
        }

        // Draws a row with probability proportional to its squared distance to the nearest chosen centre.
        private int Sample(Random random, double[] closest, double[] chunkSums, double potential)
        {
            if (!(potential > 0))
            {
                // Only reachable when distinct rows differ by less than double precision can square.
                return random.Next(_n);
            }
            var target = random.NextDouble() * potential;
            var lastPositive = -1;
            for (var c = 0; c < _chunks; c++)
            {
                if (chunkSums[c] <= 0)
                {
                    continue;
                }
                var to = Math.Min(_n, (c + 1) * ChunkRows);
                if (target >= chunkSums[c] && c < _chunks - 1)
                {
                    target -= chunkSums[c];
                    continue;
                }
                for (var i = c * ChunkRows; i < to; i++)
                {
                    if (closest[i] > 0)
                    {
                        if (target < closest[i])
                        {
                            return i;
                        }
                        target -= closest[i];
                        lastPositive = i;
                    }
                }
                // Rounding carried the target past this chunk's end: its last row with weight will do.
                if (lastPositive >= 0)
                {
                    return lastPositive;
                }
            }
            return lastPositive >= 0 ? lastPositive : random.Next(_n);
        }

        public Result Lloyd(double[] centers, double tolerance)
        {
            var labels = new int[_n];
            Array.Fill(labels, -1);
            var distances = new double[_n];
            var partialSums = new double[_chunks][];
            var partialCounts = new long[_chunks][];
            var partialInertia = new double[_chunks];
            var partialChanged = new long[_chunks];
            for (var c = 0; c < _chunks; c++)
            {
                partialSums[c] = new double[_k * _d];
                partialCounts[c] = new long[_k];
            }
            var sums = new double[_k * _d];
            var counts = new long[_k];

            var iterations = 0;
            while (iterations < _maxIterations)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                iterations++;
                Assign(centers, labels, distances, partialSums, partialCounts, partialInertia, partialChanged);
                var changed = 0L;
                foreach (var p in partialChanged)
                {
                    changed += p;
                }
                if (changed == 0)
                {
                    // Labels are stable, so centroids are already the means of their clusters.
                    break;
                }
                Reduce(partialSums, partialCounts, sums, counts);
                ReseedEmpty(sums, counts, labels, distances);
                var shift = 0.0;
                for (var j = 0; j < _k; j++)
                {
                    for (var c = 0; c < _d; c++)
                    {
                        var updated = sums[(j * _d) + c] / counts[j];
                        var delta = updated - centers[(j * _d) + c];
                        shift += delta * delta;
                        centers[(j * _d) + c] = updated;
                    }
                }
                if (shift <= tolerance)
                {
                    break;
                }
            }

            // One last assignment so the inertia (and PredictMany's labels) match the returned centroids.
            Assign(centers, labels, distances, partialSums, partialCounts, partialInertia, partialChanged);
            return new Result(centers, SumInOrder(partialInertia), iterations);
        }

        private void Assign(
            double[] centers, int[] labels, double[] distances, double[][] partialSums, long[][] partialCounts,
            double[] partialInertia, long[] partialChanged)
        {
            ForEachChunk((c, from, to) =>
            {
                var sums = partialSums[c];
                var counts = partialCounts[c];
                Array.Clear(sums);
                Array.Clear(counts);
                var inertia = 0.0;
                var changed = 0L;
                for (var i = from; i < to; i++)
                {
                    var row = Row(i);
                    var label = VectorMath.Nearest(row, centers, _k, out var distance);
                    if (label != labels[i])
                    {
                        labels[i] = label;
                        changed++;
                    }
                    distances[i] = distance;
                    inertia += distance;
                    counts[label]++;
                    var target = sums.AsSpan(label * _d, _d);
                    for (var f = 0; f < _d; f++)
                    {
                        target[f] += row[f];
                    }
                }
                partialInertia[c] = inertia;
                partialChanged[c] = changed;
            });
        }

        private void Reduce(double[][] partialSums, long[][] partialCounts, double[] sums, long[] counts)
        {
            Array.Clear(sums);
            Array.Clear(counts);
            for (var c = 0; c < _chunks; c++)
            {
                var ps = partialSums[c];
                for (var i = 0; i < sums.Length; i++)
                {
                    sums[i] += ps[i];
                }
                var pc = partialCounts[c];
                for (var j = 0; j < _k; j++)
                {
                    counts[j] += pc[j];
                }
            }
        }

        // An empty cluster takes the row farthest from its own centroid; that row leaves its old cluster.
        private void ReseedEmpty(double[] sums, long[] counts, int[] labels, double[] distances)
        {
            for (var j = 0; j < _k; j++)
            {
                if (counts[j] > 0)
                {
                    continue;
                }
                var farthest = -1;
                var farthestDistance = -1.0;
                for (var i = 0; i < _n; i++)
                {
                    if (distances[i] > farthestDistance && counts[labels[i]] > 1)
                    {
                        farthestDistance = distances[i];
                        farthest = i;
                    }
                }
                var old = labels[farthest];
                var row = Row(farthest);
                for (var f = 0; f < _d; f++)
                {
                    sums[(old * _d) + f] -= row[f];
                    sums[(j * _d) + f] = row[f];
                }
                counts[old]--;
                counts[j] = 1;
                labels[farthest] = j;
                distances[farthest] = 0;
            }
        }

        private static double SumInOrder(double[] parts)
        {
            var sum = 0.0;
            foreach (var p in parts)
            {
                sum += p;
            }
            return sum;
        }
    }
}
