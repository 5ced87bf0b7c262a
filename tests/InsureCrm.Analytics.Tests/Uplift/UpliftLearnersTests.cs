using InsureCrm.Analytics.Uplift;

namespace InsureCrm.Analytics.Tests.Uplift;

public sealed class UpliftLearnersTests
{
    [Fact]
    public void Create_EveryName_LearnerOfThatName()
    {
        foreach (var name in UpliftLearners.Names)
        {
            UpliftLearners.Create(name, "logistic", seed: 0).Algorithm.ShouldBe(name);
        }
    }

    [Fact]
    public void Create_UnknownApproach_ThrowsListingTheKnownOnes()
    {
        var message = Should.Throw<ArgumentException>(() => UpliftLearners.Create("uplift-boost", "logistic", 0)).Message;

        message.ShouldContain("'uplift-boost'");
        message.ShouldContain("two-model, class-transform, uplift-tree, uplift-forest");
    }

    [Fact]
    public void Create_UnknownClassifier_ThrowsNamingIt()
    {
        Should.Throw<ArgumentException>(() => UpliftLearners.Create("two-model", "svm", 0)).Message.ShouldContain("'svm'");
    }
}
