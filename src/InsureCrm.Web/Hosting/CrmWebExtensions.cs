using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using InsureCrm.Web.Campaigns;
using InsureCrm.Web.Contact;
using InsureCrm.Web.Customers;
using InsureCrm.Web.CustomerView;
using InsureCrm.Web.Localization;
using InsureCrm.Web.Models;
using InsureCrm.Web.Privacy;
using InsureCrm.Web.Security;
using InsureCrm.Web.Shell;
using InsureCrm.Web.Value;
using InsureCrm.Web.Voc;
using InsureCrm.Web.Voc.Insight;
using InsureCrm.Web.Worklists;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

using InsureCrm.Core.Synthetic;

namespace InsureCrm.Web.Hosting;

/// <summary>The web host's services and pipeline, kept out of Program.cs.</summary>
internal static class CrmWebExtensions
{
    public static WebApplicationBuilder AddCrmWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddCrmHosting();
        if (builder.Environment.IsProduction())
        {
            // One JSON object a line for the log collector (DESIGN.md, Operations).
            builder.Logging.ClearProviders().AddJsonConsole();
        }
        // appsettings.json's levels for the framework's chatty categories, also when the host is started from another
        // folder (`dotnet /opt/insurecrm/InsureCrm.Web.dll` reads appsettings.json from the working directory): without
        // them every request and every EF command is written to the log, which costs more CPU than the request itself.
        // Inserted first, so that any configured level for the same category still wins.
        services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Insert(0, new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Warning, null));
            o.Rules.Insert(0, new LoggerFilterRule(null, "Microsoft.EntityFrameworkCore", LogLevel.Warning, null));
        });
        services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // First: migrates and seeds before any feature's job starts.
        services.AddHostedService<CrmStartup>();

        services.AddRazorComponents();
        services.AddSingleton<Text>();
        // Razor entity-encodes Hangul and Hanzi by default; pages should carry them literally.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);

        // The features, in Core's order (docs/decisions/0002-feature-order.md); each adds its own services.
        builder.AddSecurityWeb();
        builder.AddCustomersWeb();
        builder.AddContactWeb();
        builder.AddPrivacyWeb();
        builder.AddValueWeb();
        builder.AddModelsWeb();
        builder.AddCampaignsWeb();
        builder.AddWorklistsWeb();
        builder.AddVocWeb();
        builder.AddCustomerViewWeb();

        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Text.DefaultCulture).AddSupportedCultures(Text.Cultures).AddSupportedUICultures(Text.Cultures);
            // Korean is the default whatever the browser asks for: only an explicit choice switches.
            o.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });
        return builder;
    }

    public static WebApplication UseCrmWeb(this WebApplication app)
    {
        app.UseCrmSecurityHeaders();
        app.UseExceptionHandler();
        // Error statuses without a body: a page in the user's language for browsers, ProblemDetails for /api.
        app.UseStatusCodePages(ErrorPages.HandleStatusAsync);
        app.UseStaticFiles();
        app.UseRequestLocalization();
        app.UseMiddleware<PlainHttpGuard>();
        app.Lifetime.ApplicationStarted.Register(() => PlainHttpGuard.WarnOnPlainHttp(app));
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // After authorization: an anonymous caller gets 401 and a role without the capability 403, as before.
        app.UseMiddleware<AntiforgeryEnforcementMiddleware>();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        // Each feature maps its endpoints; the router finds every feature's pages in this assembly.
        app.MapSecurityWeb();
        app.MapCustomersWeb();
        app.MapContactWeb();
        app.MapPrivacyWeb();
        app.MapValueWeb();
        app.MapModelsWeb();
        app.MapCampaignsWeb();
        app.MapWorklistsWeb();
        app.MapVocInsightWeb();
        app.MapCustomerViewWeb();
        app.MapRazorComponents<App>();
        return app;
    }
}

/// <summary>Options of the <c>Demo</c> section: the embedded demo's start-up behaviour.</summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Create the synthetic demo insurer when the database has no customers.</summary>
    public bool GenerateOnStartup { get; set; } = true;
    /// <summary>How many customers the demo insurer has.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int Customers { get; set; } = GenerationOptions.DemoCustomers;
    /// <summary>Seed of the demo insurer: the same seed gives the same customers.</summary>
    public int Seed { get; set; } = GenerationOptions.DefaultSeed;
    /// <summary>Create the demo logins (one per role) and print them to the console.</summary>
    public bool SeedUsers { get; set; } = true;
}
