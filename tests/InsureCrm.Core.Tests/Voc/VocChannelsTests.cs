using InsureCrm.Core.Voc;
using InsureCrm.Core.Voc.Intake;
using InsureCrm.Core.Voc.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InsureCrm.Tests.Voc;

/// <summary>The channels' registration: the configured mail source, the public form's guard, and a clear refusal to start on bad settings.</summary>
public sealed class VocChannelsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddVocChannels(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void AddVocChannels_NoMailConfigured_RegistersNoMailSourceButTheGuard()
    {
        using var services = Build([]);

        services.GetService<IVocMailSource>().ShouldBeNull();
        services.GetRequiredService<PublicFormGuard>().IssueToken().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void AddVocChannels_DropFolderOrImap_RegistersThatSource()
    {
        using var drop = Build(new() { ["Voc:Mail:Source"] = "Drop", ["Voc:Mail:DropFolder"] = "/tmp/voc-drop" });
        using var imap = Build(new()
        {
            ["Voc:Mail:Source"] = "Imap", ["Voc:Mail:Imap:Host"] = "imap.insurer.example", ["Voc:Mail:Imap:User"] = "voc",
            ["Voc:Mail:Imap:Password"] = "secret",
        });

        drop.GetRequiredService<IVocMailSource>().ShouldBeOfType<VocMailDrop>();
        imap.GetRequiredService<IVocMailSource>().ShouldBeOfType<VocMailbox>();
    }

    [Fact]
    public void AddVocChannels_ImapWithoutHostOrPassword_RefusesToStartNamingTheSettings()
    {
        var error = Should.Throw<InvalidOperationException>(() => Build(new() { ["Voc:Mail:Source"] = "Imap", ["Voc:PublicForm:Key"] = "c2hvcnQ=" }));

        error.Message.ShouldContain("Voc:Mail:Imap:Host");
        error.Message.ShouldContain("Voc:Mail:Imap:Password");
        error.Message.ShouldContain("Voc:PublicForm:Key");
    }
}
