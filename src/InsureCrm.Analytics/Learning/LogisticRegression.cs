namespace InsureCrm.Analytics.Learning;

/// <summary>
/// L2-penalised logistic regression, as scikit-learn's <c>LogisticRegression(penalty="l2")</c> on standardised
/// numeric and one-hot categorical columns: it minimises Σ log loss + ‖w‖² / (2 <see cref="C"/>), the intercept
/// not penalised.
/// </summary>
/// <remarks>
/// <para>
/// Encoding: a numeric feature becomes z = (x − mean) / sd with the training mean and population standard
/// deviation (a constant feature gives z = 0); a missing value becomes the training mean, z = 0. A categorical
/// feature becomes one 0/1 column per level; a missing value, or a value that is not one of the levels, sets
/// them all to 0.
/// </para>
/// <para>
/// Optimiser: Newton's method with a Cholesky solve of the penalised Hessian and a backtracking (Armijo) line
/// search, from w = 0 and the intercept at the log base odds. It stops when the largest gradient component of
/// the objective divided by the row count is at most <see cref="Tolerance"/>. The Hessian is gathered row by
/// row from the active columns only (one per feature), so an iteration costs rows × features² / 2 whatever the
/// number of levels, plus a solve of columns³ / 3. Rows are summed in fixed blocks in a fixed order, so the
/// model does not depend on the number of threads.
/// </para>
/// </remarks>
public sealed class LogisticRegression : IWeightedLearner
{
    /// <summary>Name of the algorithm in model files.</summary>
    public const string Name = "logistic";

    private const int BlockRows = 16_384;
    private const int MaxBlocks = 16;

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <summary>Inverse penalty strength, as scikit-learn's <c>C</c>: smaller is a stronger pull of the weights towards 0. Default 1.</summary>
    public double C { get; init; } = 1.0;

    /// <summary>Stop when max |∂ objective / ∂ wᵢ| / rows is at most this. Default 1e-8 (scikit-learn's default is 1e-4; Newton gets far below it in a step or two).</summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Most Newton iterations. Default 100; well-posed problems converge in under 15.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <inheritdoc />
    IClassifier ILearner.Fit(Table data, ReadOnlySpan<bool> labels) => Fit(data, labels);

    /// <inheritdoc />
    IClassifier IWeightedLearner.Fit(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<double> weights) => Fit(data, labels, weights);

    /// <summary>Trains on every row of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">Label count differs from the row count, only one class is present, or an option is out of range.</exception>
    public LogisticRegressionModel Fit(Table data, ReadOnlySpan<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitCore(data, labels, null);
    }

    /// <summary>
    /// Trains on every row of <paramref name="data"/>, row r weighing <paramref name="weights"/>[r]: it minimises
    /// Σ wᵣ·log lossᵣ + ‖w‖² / (2 <see cref="C"/>), as scikit-learn's <c>sample_weight</c>. The standardisation stays
    /// that of the rows as they are.
    /// </summary>
    /// <exception cref="ArgumentException">As the unweighted fit, or a weight count differs from the row count, or a weight is negative or not finite.</exception>
    public LogisticRegressionModel Fit(Table data, ReadOnlySpan<bool> labels, ReadOnlySpan<double> weights)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitCore(data, labels, RowWeights.Checked(weights, data.Rows));
    }

    private LogisticRegressionModel FitCore(Table data, ReadOnlySpan<bool> labels, double[]? rowWeights)
    {
        if (double.IsNaN(C))
        {
            throw new InvalidOperationException("C is NaN; it must be a positive finite number.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(C, nameof(C));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(C, double.MaxValue, nameof(C));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIterations, 1, nameof(MaxIterations));
        var positives = LabelCheck.CountPositives(data, labels, Name);
        var n = data.Rows;
        var features = data.Features;
        var f = features.Count;

        // Encoding: one weight per numeric feature, one per level of a categorical one; the intercept last.
        var offsets = new int[f];
        var means = new double[f];
        var scales = new double[f];
        var numeric = new List<double[]>();
        var numericOffsets = new List<int>();
        var categorical = new List<int[]>();
        var categoricalOffsets = new List<int>();
        var columns = 0;
        for (var j = 0; j < f; j++)
        {
            offsets[j] = columns;
            var values = data.Column(j);
            if (features[j].Kind == FeatureKind.Numeric)
            {
                (means[j], scales[j]) = MeanAndScale(values);
                var z = new double[n];
                for (var r = 0; r < n; r++)
                {
                    var x = values[r];
                    z[r] = double.IsNaN(x) ? 0 : (x - means[j]) / scales[j];
                }
                numeric.Add(z);
                numericOffsets.Add(columns);
                columns++;
            }
            else
            {
                scales[j] = 1;
                var levels = new int[n];
                for (var r = 0; r < n; r++)
                {
                    var x = values[r];
                    levels[r] = double.IsNaN(x) ? -1 : (int)x;
                }
                categorical.Add(levels);
                categoricalOffsets.Add(columns);
                columns += features[j].Categories.Count;
            }
        }
        var design = new Design([.. numeric], [.. numericOffsets], [.. categorical], [.. categoricalOffsets], columns, labels.ToArray(), rowWeights);
        var (weights, iterations, converged) = Solve(design, positives, 1 / C);

        // Centre of each feature's term: its mean over the training rows, so that the explanation's base is the
        // mean training log-odds (0 for a numeric feature, whose z has training mean 0 with missing values as 0).
        var centres = new double[f];
        for (var j = 0; j < f; j++)
        {
            if (features[j].Kind == FeatureKind.Categorical)
            {
                var values = data.Column(j);
                var sum = 0.0;
                for (var r = 0; r < n; r++)
                {
                    if (!double.IsNaN(values[r]))
                    {
                        sum += weights[offsets[j] + (int)values[r]];
                    }
                }
                centres[j] = sum / n;
            }
        }
        return new LogisticRegressionModel(features, offsets, means, scales, weights.AsSpan(0, columns).ToArray(), weights[columns], centres,
            C, iterations, converged);
    }

    private static (double Mean, double Scale) MeanAndScale(ReadOnlySpan<double> values)
    {
        var count = 0;
        var sum = 0.0;
        foreach (var x in values)
        {
            if (!double.IsNaN(x))
            {
                sum += x;
                count++;
            }
        }
        if (count == 0)
        {
            return (0, 1);
        }
        var mean = sum / count;
        var squares = 0.0;
        foreach (var x in values)
        {
            if (!double.IsNaN(x))
            {
                squares += (x - mean) * (x - mean);
            }
        }
        var variance = squares / count;
        // Rounding leaves a tiny variance on a constant column; treat relative noise as none (as Standardizer).
        return (mean, variance > 1e-24 * Math.Max(1.0, mean * mean) ? Math.Sqrt(variance) : 1.0);
    }

    /// <summary>The standardised training data: numeric z columns, categorical level columns (−1 = none), labels.</summary>
    private sealed record Design(double[][] Numeric, int[] NumericOffsets, int[][] Levels, int[] LevelOffsets, int Columns, bool[] Labels, double[]? Weights)
    {
        public int Rows => Labels.Length;

        public int Active => Numeric.Length + Levels.Length;
    }

    private (double[] Weights, int Iterations, bool Converged) Solve(Design design, int positives, double penalty)
    {
        var n = design.Rows;
        var d = design.Columns;
        var p = d + 1;
        var weights = new double[p];
        weights[d] = Math.Log(design.Weights is { } w ? PositiveWeight(design.Labels, w) : (double)positives / (n - positives));
        var blocks = Math.Clamp((n + BlockRows - 1) / BlockRows, 1, MaxBlocks);
        var partialHessians = new double[blocks][];
        var partialGradients = new double[blocks][];
        var partialLosses = new double[blocks];
        for (var b = 0; b < blocks; b++)
        {
            partialHessians[b] = new double[p * p];
            partialGradients[b] = new double[p];
        }
        var hessian = new double[p * p];
        var gradient = new double[p];
        var step = new double[p];
        var trial = new double[p];
        var objective = Objective(design, weights, penalty, blocks, partialLosses);
        for (var iteration = 1; iteration <= MaxIterations; iteration++)
        {
            Parallel.For(0, blocks, b => Accumulate(design, weights, Range(n, blocks, b), partialHessians[b], partialGradients[b]));
            Array.Clear(hessian);
            Array.Clear(gradient);
            for (var b = 0; b < blocks; b++)
            {
                Add(partialHessians[b], hessian);
                Add(partialGradients[b], gradient);
            }
            for (var i = 0; i < d; i++)
            {
                gradient[i] += penalty * weights[i];
                hessian[(i * p) + i] += penalty;
            }
            var largest = 0.0;
            foreach (var g in gradient)
            {
                largest = Math.Max(largest, Math.Abs(g));
            }
            if (largest / n <= Tolerance)
            {
                return (weights, iteration - 1, true);
            }
            Cholesky.Solve(hessian, p, gradient, step);
            var slope = 0.0;
            for (var i = 0; i < p; i++)
            {
                slope += gradient[i] * step[i];
            }
            // Backtracking line search on the objective; a full step is almost always taken.
            var t = 1.0;
            var accepted = false;
            for (var halving = 0; halving < 40; halving++)
            {
                for (var i = 0; i < p; i++)
                {
                    trial[i] = weights[i] - (t * step[i]);
                }
                var candidate = Objective(design, trial, penalty, blocks, partialLosses);
                if (candidate <= objective - (1e-4 * t * slope))
                {
                    Array.Copy(trial, weights, p);
                    objective = candidate;
                    accepted = true;
                    break;
                }
                t /= 2;
            }
            if (!accepted)
            {
                // No decrease within rounding: the weights are at the optimum as far as doubles can tell.
                return (weights, iteration, largest / n <= Math.Max(Tolerance, 1e-6));
            }
        }
        return (weights, MaxIterations, false);
    }

    /// <summary>The weighted odds of a positive: Σ w over the positives / Σ w over the negatives.</summary>
    private static double PositiveWeight(bool[] labels, double[] weights)
    {
        double positive = 0, negative = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            if (labels[r])
            {
                positive += weights[r];
            }
            else
            {
                negative += weights[r];
            }
        }
        // One class may weigh nothing though present; start from even odds then.
        return positive > 0 && negative > 0 ? positive / negative : 1;
    }

    private static (int Start, int End) Range(int rows, int blocks, int block) =>
        ((int)((long)block * rows / blocks), (int)((long)(block + 1) * rows / blocks));

    private static void Add(double[] source, double[] destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] += source[i];
        }
    }

    /// <summary>Σ log loss over the rows plus the penalty, summed in fixed blocks in a fixed order.</summary>
    private static double Objective(Design design, double[] weights, double penalty, int blocks, double[] partialLosses)
    {
        var n = design.Rows;
        Parallel.For(0, blocks, b =>
        {
            var (start, end) = Range(n, blocks, b);
            var loss = 0.0;
            for (var r = start; r < end; r++)
            {
                var eta = LinearPredictor(design, weights, r);
                var rowLoss = SoftPlus(design.Labels[r] ? -eta : eta);
                loss += design.Weights is { } w ? w[r] * rowLoss : rowLoss;
            }
            partialLosses[b] = loss;
        });
        var total = 0.0;
        foreach (var loss in partialLosses)
        {
            total += loss;
        }
        for (var i = 0; i < design.Columns; i++)
        {
            total += 0.5 * penalty * weights[i] * weights[i];
        }
        return total;
    }

    private static double LinearPredictor(Design design, double[] weights, int r)
    {
        var eta = weights[design.Columns];
        for (var i = 0; i < design.Numeric.Length; i++)
        {
            eta += weights[design.NumericOffsets[i]] * design.Numeric[i][r];
        }
        for (var i = 0; i < design.Levels.Length; i++)
        {
            var level = design.Levels[i][r];
            if (level >= 0)
            {
                eta += weights[design.LevelOffsets[i] + level];
            }
        }
        return eta;
    }

    /// <summary>ln(1 + eˣ) without overflow.</summary>
    internal static double SoftPlus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>Gradient and lower triangle of the Hessian of Σ log loss over rows [start, end).</summary>
    private static void Accumulate(Design design, double[] weights, (int Start, int End) range, double[] hessian, double[] gradient)
    {
        Array.Clear(hessian);
        Array.Clear(gradient);
        var d = design.Columns;
        var p = d + 1;
        var m = design.Active;
        Span<int> columns = m <= 256 ? stackalloc int[m] : new int[m];
        Span<double> values = m <= 256 ? stackalloc double[m] : new double[m];
        for (var r = range.Start; r < range.End; r++)
        {
            // Gather the row's non-zero columns in increasing column order (features are laid out in order).
            var count = 0;
            var eta = weights[d];
            for (var i = 0; i < design.Numeric.Length; i++)
            {
                var z = design.Numeric[i][r];
                if (z != 0)
                {
                    columns[count] = design.NumericOffsets[i];
                    values[count++] = z;
                    eta += weights[design.NumericOffsets[i]] * z;
                }
            }
            for (var i = 0; i < design.Levels.Length; i++)
            {
                var level = design.Levels[i][r];
                if (level >= 0)
                {
                    columns[count] = design.LevelOffsets[i] + level;
                    values[count++] = 1;
                    eta += weights[design.LevelOffsets[i] + level];
                }
            }
            var prob = 1 / (1 + Math.Exp(-eta));
            var weight = design.Weights is { } w ? w[r] : 1;
            var residual = weight * (prob - (design.Labels[r] ? 1 : 0));
            var curvature = weight * prob * (1 - prob);
            gradient[d] += residual;
            hessian[(d * p) + d] += curvature;
            var interceptRow = d * p;
            for (var a = 0; a < count; a++)
            {
                var ca = columns[a];
                var va = values[a];
                gradient[ca] += residual * va;
                var sa = curvature * va;
                hessian[interceptRow + ca] += sa;
                var rowA = ca * p;
                for (var b = 0; b <= a; b++)
                {
                    var cb = columns[b];
                    // Numeric columns precede level columns only when their features do; keep the lower triangle.
                    if (cb <= ca)
                    {
                        hessian[rowA + cb] += sa * values[b];
                    }
                    else
                    {
                        hessian[(cb * p) + ca] += sa * values[b];
                    }
                }
            }
        }
    }
}
