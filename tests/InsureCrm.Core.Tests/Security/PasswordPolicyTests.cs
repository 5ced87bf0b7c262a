using InsureCrm.Core.Security;

namespace InsureCrm.Core.Tests.Security;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("short1!A")]
    [InlineData("alllowercase1!")]
    [InlineData("ALLUPPERCASE1!")]
    [InlineData("NoDigitsHere!")]
    [InlineData("NoSymbols123A")]
    public void Check_WeakPassword_NamesTheBrokenRule(string password) =>
        PasswordPolicy.Check(password, "kim").ShouldNotBeEmpty();

    [Fact]
    public void Check_PasswordEqualToUserName_IsRefused() =>
        PasswordPolicy.Check("Agent!2026x", "agent!2026X").ShouldNotBeEmpty();

    [Fact]
    public void Check_DemoPassword_SatisfiesThePolicyForEveryDemoAccount()
    {
        foreach (var account in DemoUsers.Accounts)
        {
            PasswordPolicy.Check(DemoUsers.Password, account.UserName).ShouldBeEmpty(account.UserName);
        }
    }
}
