using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Tests.Learning;
using InsureCrm.Analytics.Uplift;

namespace InsureCrm.Analytics.Tests.Uplift;

public sealed class UpliftLearnerTests
{
    private const int TrainRows = 20_000;
    private const int TestRows = 20_000;

    private static IUpliftLearner Learner(string approach, string algorithm) => approach switch
    {
        TwoModelUplift.Name => new TwoModelUplift(Learners.Create(algorithm, seed: 1)),
        ClassTransformation.Name => new ClassTransformation(Learners.Create(algorithm, seed: 1)) { Seed = 1 },
        UpliftForest.Name => new UpliftForest(new UpliftForestOptions { Trees = 20, Seed = 1 }),
        UpliftTree.Name => new UpliftTree(new UpliftTreeOptions
        {
            Divergence = algorithm == nameof(UpliftDivergence.KullbackLeibler) ? UpliftDivergence.KullbackLeibler : UpliftDivergence.Euclidean,
        }),
        _ => throw new ArgumentException(approach, nameof(approach)),
    };

    [Theory]
    [InlineData(TwoModelUplift.Name, "logistic")]
    [InlineData(TwoModelUplift.Name, "gbdt")]
    [InlineData(ClassTransformation.Name, "logistic")]
    [InlineData(ClassTransformation.Name, "gbdt")]
    [InlineData(UpliftTree.Name, nameof(UpliftDivergence.Euclidean))]
    [InlineData(UpliftTree.Name, nameof(UpliftDivergence.KullbackLeibler))]
    [InlineData(UpliftForest.Name, "")]
    public void Fit_PlantedEffect_RecoversSignAndOrder(string approach, string algorithm) =>
        RecoversThePlantedEffect(Learner(approach, algorithm), treatmentShare: 0.5);

    [Theory]
    [InlineData("logistic")]
    [InlineData("gbdt")]
    public void ClassTransformation_TreatmentShare30Percent_StillRecoversSignAndOrder(string algorithm) =>
        // Without equal arm weights 2·P(z = 1) − 1 = 0.6·P(y|t) − 1.4·P(y|c) + 0.4, about +0.32 and +0.14 for the two
        // halves here: both positive, so the signs below fail unless the arms are reweighted.
        RecoversThePlantedEffect(Learner(ClassTransformation.Name, algorithm), treatmentShare: 0.3);

    [Theory]
    [InlineData("logistic")]
    [InlineData("gbdt")]
    public void ClassTransformation_Resampled_TreatmentShare30Percent_StillRecoversSignAndOrder(string algorithm) =>
        RecoversThePlantedEffect(new ClassTransformation(Learners.Create(algorithm, seed: 1)) { Seed = 1, Balance = ClassTransformationBalance.Resample }, treatmentShare: 0.3);

    [Fact]
    public void ClassTransformation_WeightsAndResample_AreDifferentFitsOfTheSameData()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(3_000, seed: 5, treatmentShare: 0.3);
        var (test, _, _) = UpliftTestData.Planted(200, seed: 6);

        var weighted = new ClassTransformation(Learners.Create("gbdt", 1)) { Seed = 1 }.Fit(data, treatment, labels).PredictAll(test);
        var resampled = new ClassTransformation(Learners.Create("gbdt", 1)) { Seed = 1, Balance = ClassTransformationBalance.Resample }.Fit(data, treatment, labels).PredictAll(test);

        weighted.ShouldNotBe(resampled);
    }

    [Theory]
    [InlineData(TwoModelUplift.Name, "logistic")]
    [InlineData(ClassTransformation.Name, "gbdt")]
    [InlineData(UpliftForest.Name, "")]
    public void ReachGate_UnreachableRows_UpliftZeroAndTheReachFeatureSaysWhy(string approach, string algorithm)
    {
        // The planted effect, but a third of the rows cannot be reached: treated or not, they respond at the control rate.
        var (data, treatment, labels) = UpliftTestData.Planted(TrainRows, seed: 1);
        var random = new Random(9);
        var reach = new double[data.Rows];
        for (var r = 0; r < data.Rows; r++)
        {
            reach[r] = random.NextDouble() < 1 / 3.0 ? 0 : 1;
            if (reach[r] == 0 && treatment[r])
            {
                labels[r] = random.NextDouble() < 0.25 + (0.15 * Math.Clamp(data[r, 1], -1, 1));
            }
        }
        Feature[] features = [.. UpliftTestData.Features, Feature.Numeric("reach")];
        var table = new Table(features, [.. Enumerable.Range(0, 3).Select(j => data.Column(j).ToArray()), reach]);

        var model = new ReachGatedUplift(Learner(approach, algorithm), "reach").Fit(table, treatment, labels);
        var copy = UpliftModelJson.Read(UpliftModelJson.Write(model));

        foreach (var m in new[] { model, copy })
        {
            m.Predict([1.0, 0, 0, 0]).ShouldBe(0);
            m.Predict([-1.0, 0, 0, 0]).ShouldBe(0);
            m.Predict([1.0, 0, 0, 1]).ShouldBeGreaterThan(m.Predict([-1.0, 0, 0, 1]));
            var why = m.Explain([1.0, 0, 0, 0]);
            why.Uplift.ShouldBe(0, 1e-12);
            why.Top(1).Single().Name.ShouldBe("reach");
            why.Top(1).Single().Amount.ShouldBeLessThan(0);
            var reached = m.Explain([1.0, 0, 0, 1]);
            reached.Uplift.ShouldBe(m.Predict([1.0, 0, 0, 1]), 1e-12);
            reached.Contributions[3].Amount.ShouldBeGreaterThan(0, "being reachable raises the uplift");
            m.PredictAll(table).Select((u, r) => (u, r)).Where(x => reach[x.r] == 0).ShouldAllBe(x => x.u == 0);
        }
        copy.Predict([1.0, 0.5, 0, 1]).ShouldBe(model.Predict([1.0, 0.5, 0, 1]), 1e-12);
    }

    [Fact]
    public void ReachGate_TwoModel_NoTreatmentModelLearnsFromEveryRowTheTreatmentDidNotReach()
    {
        // A pilot whose channels reach a fifth of the members: the reachable control rows are few, and in this draw none of
        // them responded, so a no-treatment model of those rows alone cannot be fitted. The unreachable rows of both arms
        // were not treated either: the no-treatment model learns from them too, the reach feature one of its columns.
        var (data, treatment, labels) = UpliftTestData.Planted(3_000, seed: 11);
        var random = new Random(4);
        var reach = new double[data.Rows];
        for (var r = 0; r < data.Rows; r++)
        {
            reach[r] = random.NextDouble() < 0.2 ? 1 : 0;
            if (reach[r] == 0 && treatment[r])
            {
                labels[r] = random.NextDouble() < 0.25 + (0.15 * Math.Clamp(data[r, 1], -1, 1));
            }
            if (reach[r] == 1 && !treatment[r])
            {
                labels[r] = false;
            }
        }
        var table = new Table([.. UpliftTestData.Features, Feature.Numeric("reach")], [.. Enumerable.Range(0, 3).Select(j => data.Column(j).ToArray()), reach]);
        var rows = Enumerable.Range(0, data.Rows).ToArray();
        var reachedTreated = rows.Where(r => treatment[r] && reach[r] == 1).ToArray();
        var notTreated = rows.Where(r => !(treatment[r] && reach[r] == 1)).ToArray();
        var reachableControl = rows.Where(r => !treatment[r] && reach[r] == 1).ToArray();
        reachableControl.Length.ShouldBeGreaterThan(100);
        notTreated.Length.ShouldBeGreaterThan(5 * reachableControl.Length);

        var model = (ReachGatedUpliftModel)new ReachGatedUplift(Learner(TwoModelUplift.Name, "logistic"), "reach").Fit(table, treatment, labels);

        // The same fits as the learner's own on those rows: the treated model from the reachable treated rows only, the
        // no-treatment model from the control rows (reachable or not) and the unreachable treated rows.
        var inner = (TwoModelUpliftModel)model.Inner;
        var control = Learners.Create("logistic", seed: 1).Fit(table.Take(notTreated), [.. notTreated.Select(r => labels[r])]);
        var treated = Learners.Create("logistic", seed: 1).Fit(table.Take(reachedTreated), [.. reachedTreated.Select(r => labels[r])]);
        foreach (var row in new double[][] { [1.0, 0.5, 0, 1], [-1.0, -0.5, 0.3, 1], [0.2, 0, 0, 0] })
        {
            inner.Control.Predict(row).ShouldBe(control.Predict(row), 1e-12);
            inner.Treated.Predict(row).ShouldBe(treated.Predict(row), 1e-12);
        }
        model.Predict([1.0, 0, 0, 1]).ShouldBeGreaterThan(model.Predict([-1.0, 0, 0, 1]));
        model.Predict([1.0, 0, 0, 0]).ShouldBe(0);
        // The reachable control rows alone would not do: they hold one outcome class.
        Should.Throw<ArgumentException>(() => new TwoModelUplift(Learners.Create("logistic", seed: 1))
                .Fit(table.Take([.. reachedTreated, .. reachableControl]), [.. reachedTreated.Select(_ => true), .. reachableControl.Select(_ => false)],
                    [.. reachedTreated.Select(r => labels[r]), .. reachableControl.Select(r => labels[r])]))
            .Message.ShouldContain("control arm has only one outcome class");
    }

    [Fact]
    public void ReachGate_TwoModelOverBoosting_LearnsBothModelsFromTheReachableRowsOnly()
    {
        // Trees need not split on the reach feature, so pooling the unreachable rows would give the reachable ones the
        // unreachable rows' no-treatment rate: here the unreachable rows respond far more often than the reachable ones.
        var (data, treatment, labels) = UpliftTestData.Planted(3_000, seed: 12);
        var random = new Random(6);
        var reach = new double[data.Rows];
        for (var r = 0; r < data.Rows; r++)
        {
            reach[r] = random.NextDouble() < 0.5 ? 1 : 0;
            if (reach[r] == 0)
            {
                labels[r] = random.NextDouble() < 0.6;
            }
        }
        var table = new Table([.. UpliftTestData.Features, Feature.Numeric("reach")], [.. Enumerable.Range(0, 3).Select(j => data.Column(j).ToArray()), reach]);
        var rows = Enumerable.Range(0, data.Rows).ToArray();
        var reachedTreated = rows.Where(r => treatment[r] && reach[r] == 1).ToArray();
        var reachableControl = rows.Where(r => !treatment[r] && reach[r] == 1).ToArray();

        var model = (ReachGatedUpliftModel)new ReachGatedUplift(Learner(TwoModelUplift.Name, "gbdt"), "reach").Fit(table, treatment, labels);

        var inner = (TwoModelUpliftModel)model.Inner;
        var control = Learners.Create("gbdt", seed: 1).Fit(table.Take(reachableControl), [.. reachableControl.Select(r => labels[r])]);
        var treated = Learners.Create("gbdt", seed: 1).Fit(table.Take(reachedTreated), [.. reachedTreated.Select(r => labels[r])]);
        foreach (var row in new double[][] { [1.0, 0.5, 0, 1], [-1.0, -0.5, 0.3, 1] })
        {
            inner.Control.Predict(row).ShouldBe(control.Predict(row), 1e-12);
            inner.Treated.Predict(row).ShouldBe(treated.Predict(row), 1e-12);
        }
        var reachableControlRate = reachableControl.Average(r => labels[r] ? 1.0 : 0.0);
        inner.Control.PredictAll(table.Take(reachableControl)).Average().ShouldBe(reachableControlRate, 0.1);
        model.Predict([1.0, 0, 0, 0]).ShouldBe(0);
    }

    [Fact]
    public void ReachGate_TwoModel_TooFewReachableControlRows_SaysHowMany()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(1_000, seed: 2);
        var table = (double[] reach) => new Table([.. UpliftTestData.Features, Feature.Numeric("reach")], [.. Enumerable.Range(0, 3).Select(j => data.Column(j).ToArray()), reach]);
        var learner = new ReachGatedUplift(Learner(TwoModelUplift.Name, "logistic"), "reach");
        var controls = treatment.Count(t => !t);

        // No control row reachable: nothing shows the reachable rows' outcome without treatment.
        var onlyTreatedReached = treatment.Select(t => t ? 1.0 : 0.0).ToArray();
        Should.Throw<ArgumentException>(() => learner.Fit(table(onlyTreatedReached), treatment, labels))
            .Message.ShouldStartWith($"Too few reachable control rows: none of the {controls} control rows could be reached ('reach' not 0), so nothing shows the reachable rows' outcome without treatment.");

        // Every row without treatment negative: the message counts the reachable control rows and their responders.
        var reach = Enumerable.Range(0, data.Rows).Select(r => r % 10 == 0 ? 1.0 : 0.0).ToArray();
        var quiet = labels.Select((y, r) => y && treatment[r] && reach[r] == 1).ToArray();
        var reachableControl = Enumerable.Range(0, data.Rows).Count(r => !treatment[r] && reach[r] == 1);
        var untreated = Enumerable.Range(0, data.Rows).Count(r => !(treatment[r] && reach[r] == 1));
        Should.Throw<ArgumentException>(() => learner.Fit(table(reach), treatment, quiet))
            .Message.ShouldStartWith($"Too few reachable control rows to tell the outcome without treatment: {reachableControl} of the {controls} control rows could be reached (0 responders), and all {untreated} rows without treatment");
    }

    [Fact]
    public void Auto_ChoosesByFoldsOfTheTrainingPart_TheHeldOutRowsPlayNoPartInTheChoice()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(2_000, seed: 9);
        var options = new UpliftTrainingOptions { Seed = 4 };
        var first = UpliftTraining.Train(data, treatment, labels, options);

        // The same rows, but the held-out rows' features scrambled: the split (by arm and outcome) and the training part
        // are unchanged, so every candidate's score and the choice must be too; only the held-out measures move.
        var held = first.HeldOutRows;
        var columns = Enumerable.Range(0, data.Columns).Select(j => data.Column(j).ToArray()).ToArray();
        var random = new Random(1);
        foreach (var column in columns)
        {
            var values = held.Select(r => column[r]).ToArray();
            random.Shuffle(values);
            for (var i = 0; i < held.Length; i++)
            {
                column[held[i]] = values[i];
            }
        }
        var second = UpliftTraining.Train(new Table(data.Features, columns), treatment, labels, options);

        second.Candidates.ShouldBe(first.Candidates);
        second.Model.Algorithm.ShouldBe(first.Model.Algorithm);
        second.HeldOut!.QiniCoefficient.ShouldNotBe(first.HeldOut!.QiniCoefficient);
        first.HeldOut.QiniCoefficient.ShouldBeGreaterThan(second.HeldOut.QiniCoefficient, "the scrambled rows are ranked by noise");
    }

    [Fact]
    public void Folds_DealEachArmAndOutcomeEvenlyOverTheFolds()
    {
        var (_, treatment, labels) = UpliftTestData.Planted(1_003, seed: 2);
        var fold = UpliftSplit.Folds(treatment, labels, 5, seed: 7);

        foreach (var (t, y) in new[] { (true, true), (true, false), (false, true), (false, false) })
        {
            var counts = Enumerable.Range(0, 5).Select(k => Enumerable.Range(0, fold.Length).Count(r => fold[r] == k && treatment[r] == t && labels[r] == y)).ToArray();
            (counts.Max() - counts.Min()).ShouldBeLessThanOrEqualTo(1, $"treated {t}, responded {y}: {string.Join(", ", counts)}");
        }
        UpliftSplit.Folds(treatment, labels, 5, seed: 7).ShouldBe(fold, "the same seed deals the same folds");
        Should.Throw<ArgumentOutOfRangeException>(() => UpliftSplit.Folds(treatment, labels, 1, seed: 7));
    }

    [Fact]
    public void Auto_TooFewControlRowsForTheTree_ChoosesAnApproachThatRanksTheReachableRows()
    {
        // 85 % treated and a third unreachable: about 120 reachable Control rows in the training part, fewer than the
        // uplift tree needs to split (100 per arm per child), so its uplift is the same for every reachable row.
        var (data, treatment, labels) = UpliftTestData.Planted(1_200, seed: 3, treatmentShare: 0.85);
        var random = new Random(5);
        var reach = new double[data.Rows];
        for (var r = 0; r < data.Rows; r++)
        {
            reach[r] = random.NextDouble() < 1 / 3.0 ? 0 : 1;
        }
        var table = new Table([.. UpliftTestData.Features, Feature.Numeric("reach")], [.. Enumerable.Range(0, 3).Select(j => data.Column(j).ToArray()), reach]);

        var trained = UpliftTraining.Train(table, treatment, labels, new UpliftTrainingOptions { Seed = 42, Reach = "reach" });

        trained.Candidates.Select(c => c.Key).ShouldBe(UpliftLearners.Names);
        trained.Flat.ShouldContain(UpliftTree.Name);
        trained.Flat.ShouldNotContain(trained.Model.Algorithm);
        trained.Model.PredictAll(table).Where((_, r) => reach[r] != 0).Distinct().Count().ShouldBeGreaterThan(1);
    }

    [Fact]
    public void Choose_AFlatCandidateWithTheBestQini_LosesToOneThatRanks()
    {
        // The pilot of PilotUpliftTests: the reach gate alone gives the flat tree and forest 0.546; two-model ranks at 0.505.
        UpliftTraining.Choose([(0.505, 0, true), (0.111, 0, true), (0.546, 0, false), (0.546, 0, false)]).ShouldBe(0);
        UpliftTraining.Choose([(0.2, 0, true), (0.3, 0, true), (0.9, 0, false)]).ShouldBe(1);
        UpliftTraining.Choose([(double.NaN, 0, true), (0.1, 0, true)]).ShouldBe(1);
        UpliftTraining.Choose([(0.1, 0, false), (0.3, 0, false)]).ShouldBe(1, "when nothing ranks, the best Qini as before");
        // One standard error: the first approach within one standard error of the best is kept, so the default (first)
        // loses only to one the folds show clearly better.
        UpliftTraining.Choose([(0.03, 0.02, true), (0.07, 0.05, true)]).ShouldBe(0, "0.03 is within 0.05 of 0.07");
        UpliftTraining.Choose([(0.01, 0.02, true), (0.07, 0.03, true)]).ShouldBe(1, "0.01 is more than 0.03 below 0.07");
        UpliftTraining.Choose([(0.01, 0, true), (0.05, 0, true), (0.07, 0.03, true)]).ShouldBe(1, "the first within one error of the best, in order");
    }

    [Fact]
    public void Ranks_SameUpliftForEveryReachableRow_DoesNotRank()
    {
        UpliftTraining.Ranks([0.1, 0, 0.1, 0], [1, 0, 1, 0]).ShouldBeFalse();
        UpliftTraining.Ranks([0.1, 0, 0.2, 0], [1, 0, 1, 0]).ShouldBeTrue();
        UpliftTraining.Ranks([0.1, 0.1, 0.1], []).ShouldBeFalse();
        UpliftTraining.Ranks([0.1, 0.1, 0.3], []).ShouldBeTrue();
    }

    [Fact]
    public void ReachGate_NoSuchFeature_SaysSo() =>
        Should.Throw<ArgumentException>(() => UpliftTraining.Train(UpliftTestData.Planted(500, 1).Data, UpliftTestData.Planted(500, 1).Treatment,
            UpliftTestData.Planted(500, 1).Labels, new UpliftTrainingOptions { Algorithm = TwoModelUplift.Name, Validation = 0, Reach = "plannedContact" }))
            .Message.ShouldContain("'plannedContact' is not one of the features");

    [Fact]
    public void UpliftTree_TreatmentShare30Percent_StillRecoversSignAndOrder() =>
        RecoversThePlantedEffect(Learner(UpliftTree.Name, nameof(UpliftDivergence.Euclidean)), treatmentShare: 0.3);

    [Fact]
    public void UpliftForest_SameSeed_SameModel()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(3_000, seed: 41);
        var (test, _, _) = UpliftTestData.Planted(200, seed: 42);

        var first = Learner(UpliftForest.Name, "").Fit(data, treatment, labels).PredictAll(test);
        var second = Learner(UpliftForest.Name, "").Fit(data, treatment, labels).PredictAll(test);
        var otherSeed = new UpliftForest(new UpliftForestOptions { Trees = 20, Seed = 2 }).Fit(data, treatment, labels).PredictAll(test);

        second.ShouldBe(first);
        otherSeed.ShouldNotBe(first);
    }

    [Fact]
    public void UpliftTree_EffectInOneCategory_SplitsThatLevelOffAndSendsMissingRight()
    {
        // Treating adds 0.3 in region "b" only; control rate 0.2 everywhere; x is noise, missing in every tenth row.
        var random = new Random(51);
        const int Rows = 12_000;
        var region = new double[Rows];
        var x = new double[Rows];
        var treatment = new bool[Rows];
        var labels = new bool[Rows];
        for (var r = 0; r < Rows; r++)
        {
            region[r] = random.Next(3);
            x[r] = r % 10 == 0 ? double.NaN : LearningData.Gaussian(random);
            treatment[r] = random.NextDouble() < 0.5;
            labels[r] = random.NextDouble() < 0.2 + (treatment[r] && region[r] == 1 ? 0.3 : 0);
        }
        var data = new Table([Feature.Categorical("region", ["a", "b", "c"]), Feature.Numeric("x")], [region, x]);

        var model = new UpliftTree(new UpliftTreeOptions { MaxDepth = 1 }).Fit(data, treatment, labels);

        model.Predict([1, 0]).ShouldBeInRange(0.2, 0.4);
        model.Predict([0, 0]).ShouldBeInRange(-0.05, 0.05);
        model.Predict([2, 0]).ShouldBe(model.Predict([0, 0]));
        // A missing region goes right, with the levels other than "b".
        model.Predict([double.NaN, 0]).ShouldBe(model.Predict([0, 0]));
        model.Explain([1, double.NaN]).Top(1).Single().ShouldBe(new Contribution(0, "region", "b", model.Predict([1, 0]) - model.Explain([1, 0]).Base));
    }

    [Fact]
    public void UpliftTree_FirstSplit_IsOnX0NearZero()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(TrainRows, seed: 31);
        var model = new UpliftTree(new UpliftTreeOptions { MaxDepth = 1 }).Fit(data, treatment, labels);

        // One split: the two leaves are the two halves of the planted effect, so rows just either side of 0 differ by about 0.3.
        var below = model.Predict([-0.3, 0, 0]);
        var above = model.Predict([0.3, 0, 0]);
        (above - below).ShouldBeInRange(0.2, 0.4);
        model.Explain([0.3, 0, 0]).Top(1).Single().Name.ShouldBe("x0");
    }

    [Theory]
    [InlineData(TwoModelUplift.Name)]
    [InlineData(ClassTransformation.Name)]
    [InlineData(UpliftTree.Name)]
    [InlineData(UpliftForest.Name)]
    public void Explain_AddsUpToThePredictionAndPutsX0AboveNoise(string approach)
    {
        var (data, treatment, labels) = UpliftTestData.Planted(TrainRows, seed: 11);
        var model = Learner(approach, approach is UpliftTree.Name or UpliftForest.Name ? nameof(UpliftDivergence.Euclidean) : "logistic").Fit(data, treatment, labels);
        var (test, _, _) = UpliftTestData.Planted(500, seed: 12);

        double x0 = 0, noise = 0;
        for (var r = 0; r < test.Rows; r++)
        {
            var row = LearningData.Row(test, r);
            var explanation = model.Explain(row);
            explanation.Uplift.ShouldBe(model.Predict(row), 1e-9, $"row {r}");
            explanation.Contributions.Select(c => c.Name).ShouldBe(["x0", "x1", "noise"]);
            x0 += Math.Abs(explanation.Contributions[0].Amount);
            noise += Math.Abs(explanation.Contributions[2].Amount);
        }
        x0.ShouldBeGreaterThan(3 * noise);
    }

    [Fact]
    public void PredictAll_IsPredictOfEachRow()
    {
        var (data, treatment, labels) = UpliftTestData.Planted(2_000, seed: 21);
        foreach (var model in new[] { Learner(TwoModelUplift.Name, "gbdt").Fit(data, treatment, labels), Learner(ClassTransformation.Name, "logistic").Fit(data, treatment, labels), new UpliftTree(new UpliftTreeOptions { MinArmRowsLeaf = 20 }).Fit(data, treatment, labels), Learner(UpliftForest.Name, "").Fit(data, treatment, labels) })
        {
            var all = model.PredictAll(data);
            for (var r = 0; r < data.Rows; r += 97)
            {
                all[r].ShouldBe(model.Predict(LearningData.Row(data, r)), 1e-12);
            }
        }
    }

    private static void RecoversThePlantedEffect(IUpliftLearner learner, double treatmentShare)
    {
        var (data, treatment, labels) = UpliftTestData.Planted(TrainRows, seed: 1, treatmentShare);
        var (test, testTreatment, testLabels) = UpliftTestData.Planted(TestRows, seed: 2, treatmentShare);

        var predicted = learner.Fit(data, treatment, labels).PredictAll(test);

        double positiveSum = 0, negativeSum = 0;
        int positiveRows = 0, negativeRows = 0;
        var truth = new double[test.Rows];
        for (var r = 0; r < test.Rows; r++)
        {
            truth[r] = UpliftTestData.TrueUplift(test[r, 0]);
            if (test[r, 0] > 0)
            {
                positiveSum += predicted[r];
                positiveRows++;
            }
            else
            {
                negativeSum += predicted[r];
                negativeRows++;
            }
        }
        var (positiveMean, negativeMean) = (positiveSum / positiveRows, negativeSum / negativeRows);
        positiveMean.ShouldBeGreaterThan(0.05, "mean predicted uplift where x0 > 0 (truth +0.2)");
        negativeMean.ShouldBeLessThan(0, "mean predicted uplift where x0 ≤ 0 (truth −0.1)");
        positiveMean.ShouldBeGreaterThan(negativeMean + 0.1);

        // The model's ranking earns at least half the Qini of ranking by the true uplift, a random ranking far less.
        var random = new Random(3);
        var shuffled = new double[test.Rows];
        for (var r = 0; r < shuffled.Length; r++)
        {
            shuffled[r] = random.NextDouble();
        }
        var oracle = UpliftMetrics.QiniCoefficient(truth, testTreatment, testLabels);
        var model = UpliftMetrics.QiniCoefficient(predicted, testTreatment, testLabels);
        var chance = UpliftMetrics.QiniCoefficient(shuffled, testTreatment, testLabels);
        oracle.ShouldBeGreaterThan(0);
        model.ShouldBeGreaterThan(0.5 * oracle, $"model {model}, truth {oracle}, random {chance}");
        Math.Abs(chance).ShouldBeLessThan(0.25 * oracle, $"model {model}, truth {oracle}, random {chance}");

        // The observed uplift of the top decile beats that of the bottom one.
        var deciles = UpliftMetrics.ByGroup(predicted, testTreatment, testLabels);
        deciles[0].Rows.Uplift.ShouldBeGreaterThan(deciles[^1].Rows.Uplift + 0.15);
    }
}
