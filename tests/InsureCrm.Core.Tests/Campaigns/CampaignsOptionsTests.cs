using InsureCrm.Core.Campaigns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Tests.Campaigns;

public sealed class CampaignsOptionsTests
{
    [Fact]
    public void AddCampaigns_Defaults_RegistersTheOptions()
    {
        var services = new ServiceCollection().AddCampaigns(new ConfigurationBuilder().Build());

        var options = services.BuildServiceProvider().GetRequiredService<CampaignsOptions>();
        options.Holdout.Share.ShouldBe(0.05m);
        options.FrequencyCap.ShouldBe(4);
        options.Email.Transport.ShouldBe(EmailTransportKind.Pickup);
    }

    [Theory]
    [InlineData("Campaigns:Holdout:Share", "0.25", "Campaigns:Holdout:Share")]
    [InlineData("Campaigns:FrequencyCap", "0", "Campaigns:FrequencyCap")]
    [InlineData("Campaigns:PublicBaseUrl", "ftp://example.com", "Campaigns:PublicBaseUrl")]
    [InlineData("Campaigns:Email:Transport", "Smtp", "Campaigns:Email:Smtp:Host")]
    [InlineData("Campaigns:Email:From", "not-an-address", "Campaigns:Email:From")]
    [InlineData("Campaigns:Sms:Url", "gateway", "Campaigns:Sms:Url")]
    [InlineData("Campaigns:Sms:Url", "http://127.0.0.1:9/sms", "Campaigns:Sms:OptOutNumber")]
    public void AddCampaigns_BadSetting_FailsOnStartNamingTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var error = Should.Throw<InvalidOperationException>(() => new ServiceCollection().AddCampaigns(configuration));

        error.Message.ShouldContain(named);
    }
}
