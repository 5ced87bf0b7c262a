using InsureCrm.Core.Voc.Import;
using InsureCrm.Core.Voc.Intake;
using InsureCrm.Core.Voc.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InsureCrm.Core.Voc;

/// <summary>
/// The VOC channels from outside (docs/voc-channels.md): the mail source configured in <c>Voc:Mail</c> (none,
/// IMAP or a drop folder; <see cref="IVocMailSource"/> is registered only when one is configured) and the public
/// form's guard configured in <c>Voc:PublicForm</c>, both validated on start. The VOC feature's registration calls
/// <see cref="AddVocChannels"/>.
/// </summary>
public static class VocChannels
{
    public static IServiceCollection AddVocChannels(this IServiceCollection services, IConfiguration configuration)
    {
        var mail = new VocMailOptions();
        configuration.GetSection(VocMailOptions.Section).Bind(mail);
        var form = new PublicFormGuardOptions();
        configuration.GetSection(PublicFormGuardOptions.Section).Bind(form);
        var errors = mail.Validate().Concat(form.Validate()).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }
        services.AddSingleton(mail);
        switch (mail.Source)
        {
            case VocMailSourceKind.Imap:
                services.AddSingleton<IVocMailSource, VocMailbox>();
                services.AddScoped<VocMailIntake>();
                break;
            case VocMailSourceKind.Drop:
                services.AddSingleton<IVocMailSource, VocMailDrop>();
                services.AddScoped<VocMailIntake>();
                break;
        }
        services.AddSingleton(form);
        services.AddSingleton<IPublicFormStore, InMemoryPublicFormStore>();
        services.AddSingleton<PublicFormGuard>();
        // Wired into cases: the mail intake (when a source is configured), the import, the public form.
        services.AddScoped<VocCustomerMatch>();
        services.AddScoped<VocImportService>();
        services.AddScoped<VocPublicForm>();
        return services;
    }
}
