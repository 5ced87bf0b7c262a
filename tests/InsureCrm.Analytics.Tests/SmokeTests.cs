namespace InsureCrm.Analytics.Tests; public class SmokeTests { [Fact] public void A() => 1.ShouldBe(1); }
