namespace InsureCrm.Web.Tests; public class SmokeTests { [Fact] public void A() => 1.ShouldBe(1); }
