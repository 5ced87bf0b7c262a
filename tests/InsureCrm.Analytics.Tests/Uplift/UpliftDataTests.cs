using InsureCrm.Analytics.Learning;
using InsureCrm.Analytics.Uplift;

namespace InsureCrm.Analytics.Tests.Uplift;

public sealed class UpliftDataTests
{
    private static readonly Table Data = new([Feature.Numeric("x")], [[1, 2, 3, 4, 5, 6]]);
    private static readonly bool[] Mixed = [true, false, true, false, true, false];
    private static readonly bool[] Outcomes = [true, true, false, false, true, false];

    private static IEnumerable<IUpliftLearner> AllLearners() =>
        [new TwoModelUplift(Learners.Create("logistic", 0)), new ClassTransformation(Learners.Create("logistic", 0)), new UpliftTree(), new UpliftForest()];

    [Fact]
    public void Fit_TreatmentLengthDiffers_ThrowsNamingTheCounts()
    {
        foreach (var learner in AllLearners())
        {
            Should.Throw<ArgumentException>(() => learner.Fit(Data, Mixed.AsSpan(0, 5), Outcomes))
                .Message.ShouldContain("5 treatment flags for 6 rows");
        }
    }

    [Fact]
    public void Fit_LabelLengthDiffers_ThrowsNamingTheCounts()
    {
        foreach (var learner in AllLearners())
        {
            Should.Throw<ArgumentException>(() => learner.Fit(Data, Mixed, [true, false]))
                .Message.ShouldContain("2 outcome labels for 6 rows");
        }
    }

    [Fact]
    public void Fit_NoControlRows_ThrowsNamingTheShare()
    {
        foreach (var learner in AllLearners())
        {
            var message = Should.Throw<ArgumentException>(() => learner.Fit(Data, [true, true, true, true, true, true], Outcomes)).Message;

            message.ShouldContain("no control rows");
            message.ShouldContain("treatment share 100 %");
        }
    }

    [Fact]
    public void Fit_NoTreatedRows_ThrowsNamingTheShare()
    {
        foreach (var learner in AllLearners())
        {
            var message = Should.Throw<ArgumentException>(() => learner.Fit(Data, new bool[6], Outcomes)).Message;

            message.ShouldContain("no treated rows");
            message.ShouldContain("treatment share 0 %");
        }
    }

    [Fact]
    public void TwoModel_ControlArmAllNegative_ThrowsNamingTheArm()
    {
        // Control rows (1, 3, 5) all negative; the treated arm has both classes.
        bool[] outcomes = [true, false, false, false, true, false];

        var message = Should.Throw<ArgumentException>(() => new TwoModelUplift(Learners.Create("logistic", 0)).Fit(Data, Mixed, outcomes)).Message;

        message.ShouldContain("control arm has only one outcome class");
        message.ShouldContain("negative");
    }

    [Fact]
    public void TwoModel_TreatedArmAllPositive_ThrowsNamingTheArm()
    {
        bool[] outcomes = [true, false, true, true, true, false];

        Should.Throw<ArgumentException>(() => new TwoModelUplift(Learners.Create("logistic", 0)).Fit(Data, Mixed, outcomes))
            .Message.ShouldContain("treated arm has only one outcome class");
    }

    [Fact]
    public void ClassTransformation_ControlArmAllNegative_StillLearns()
    {
        // z is true for treated responders and for the (all) non-responding controls; false for treated non-responders.
        bool[] outcomes = [true, false, false, false, true, false];

        new ClassTransformation(Learners.Create("logistic", 0)).Fit(Data, Mixed, outcomes).Features.Count.ShouldBe(1);
    }

    [Fact]
    public void ClassTransformation_TransformedLabelOneClass_ThrowsNamingIt()
    {
        // Every treated row responded and no control row did: z is always true.
        bool[] outcomes = [true, false, true, false, true, false];

        Should.Throw<ArgumentException>(() => new ClassTransformation(Learners.Create("logistic", 0)).Fit(Data, Mixed, outcomes))
            .Message.ShouldContain("transformed label has one class only");
    }

    [Fact]
    public void Check_Valid_CountsByArmAndOutcome()
    {
        var counts = UpliftData.Check(6, Mixed, Outcomes);

        counts.ShouldBe(new UpliftCounts(Treated: 3, TreatedResponders: 2, Control: 3, ControlResponders: 1));
        counts.TreatmentShare.ShouldBe(0.5);
        counts.Uplift.ShouldBe((2.0 / 3) - (1.0 / 3), 1e-12);
    }

    [Fact]
    public void ParseTreatment_ZeroOneAndWords_ReadsEach()
    {
        UpliftData.ParseTreatment(["1", "0", " TRUE ", "false", "Yes", "no"], "contacted")
            .ShouldBe([true, false, true, false, true, false]);
    }

    [Theory]
    [InlineData("2", 3)]
    [InlineData("", 3)]
    [InlineData("0.5", 3)]
    public void ParseTreatment_NotAFlag_ThrowsNamingTheFirstBadValueAndItsRow(string bad, int row)
    {
        var message = Should.Throw<ArgumentException>(() => UpliftData.ParseTreatment(["1", "0", bad, "x"], "contacted")).Message;

        message.ShouldContain("'contacted'");
        message.ShouldContain($"data row {row}: '{bad}'");
    }
}
