using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace CodeChat.Api.OpenApi;

/// <summary>Swagger at /docs: the real routes only, with the two ways to authenticate.</summary>
internal static class SwaggerSetup
{
    public const string DocumentName = "v1";
    public const string RoutePrefix = "docs";
    private const string ApiKeyScheme = "apikey";
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddCodeChatSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "CodeChat.NET",
                Version = DocumentName,
                Description = "WhatsApp Web REST gateway, compatible with CodeChat 1.3.",
            });
            options.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "apikey",
                Description = "The global API key, or an instance's token on that instance's routes.",
            });
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An instance's token (Authorization: Bearer), on that instance's routes.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [],
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [],
            });
            options.OperationFilter<RequestBodyExampleOperationFilter>();
            options.OperationFilter<ResponseExampleOperationFilter>();
            options.OperationFilter<CredentialInRequestOperationFilter>();
        });
        return services;
    }
}
