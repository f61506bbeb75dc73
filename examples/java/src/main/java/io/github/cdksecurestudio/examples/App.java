package io.github.cdksecurestudio.examples;

import java.util.List;

import io.github.cdksecurestudio.SecureStudio;
import io.github.cdksecurestudio.StudioEgress;
import io.github.cdksecurestudio.StudioImageOptions;
import io.github.cdksecurestudio.StudioPersona;
import io.github.cdksecurestudio.StudioPrivateSpaces;
import io.github.cdksecurestudio.StudioUser;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.constructs.Construct;

/**
 * The reference environment in Java: the same three stacks as examples/app.ts.
 *
 * <p>Usage: {@code mvn -q compile exec:java -Dexec.args=OUTDIR}. Without OUTDIR the app
 * synthesizes into $CDK_OUTDIR (set by the CDK CLI) or cdk.out/.
 */
public final class App {
    static final String TEAM = "ml-platform";
    static final List<String> DATA_BUCKETS = List.of("data", "models");
    static final List<StudioUser> USERS = List.of(
            StudioUser.builder().name("data-scientist").persona(StudioPersona.DATA_SCIENTIST).build(),
            StudioUser.builder().name("mlops-engineer").persona(StudioPersona.MLOPS).build());

    /** Internet-free: two AZs, VPC endpoints only. */
    public static class SecureStudioIsolated extends Stack {
        public final SecureStudio studio;

        public SecureStudioIsolated(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);
            studio = SecureStudio.Builder.create(this, "Studio")
                    .team(TEAM)
                    .dataBuckets(DATA_BUCKETS)
                    .users(USERS)
                    .build();
        }
    }

    /** Three AZs with internet egress through NAT gateways and Network Firewall, to an allow-list. */
    public static class SecureStudioFirewall extends Stack {
        public final SecureStudio studio;

        public SecureStudioFirewall(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);
            studio = SecureStudio.Builder.create(this, "Studio")
                    .team(TEAM)
                    .availabilityZones(List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"))
                    .egress(StudioEgress.FIREWALL_READY)
                    .allowedDomains(List.of("pypi.org", "files.pythonhosted.org", "conda.anaconda.org", "github.com",
                            "codeload.github.com", "objects.githubusercontent.com"))
                    .dataBuckets(DATA_BUCKETS)
                    .users(USERS)
                    .build();
        }
    }

    /** Internet-free, with MLflow, a private JupyterLab and Code Editor space per user, and approved images. */
    public static class SecureStudioWorkspaces extends Stack {
        public final SecureStudio studio;

        public SecureStudioWorkspaces(final Construct scope, final String id, final StackProps props) {
            super(scope, id, props);
            studio = SecureStudio.Builder.create(this, "Studio")
                    .team(TEAM)
                    .dataBuckets(DATA_BUCKETS)
                    .users(USERS)
                    .mlflow(true)
                    .privateSpaces(StudioPrivateSpaces.builder().jupyterLab(true).codeEditor(true).build())
                    .allowSharedSpaces(false)
                    .customImages(true)
                    .build();
            studio.getImageCatalog().addImage("team-pytorch", StudioImageOptions.builder().tag("2026.11.1").build());
        }
    }

    public static software.amazon.awscdk.App buildApp(final String outdir) {
        software.amazon.awscdk.App app = outdir == null
                ? new software.amazon.awscdk.App()
                : new software.amazon.awscdk.App(AppProps.builder().outdir(outdir).build());
        new SecureStudioIsolated(app, "SecureStudioIsolated", null);
        new SecureStudioFirewall(app, "SecureStudioFirewall", StackProps.builder()
                .env(Environment.builder().region("eu-west-1").build())
                .build());
        new SecureStudioWorkspaces(app, "SecureStudioWorkspaces", null);
        return app;
    }

    public static void main(final String[] args) {
        CloudAssembly assembly = buildApp(args.length > 0 ? args[0] : null).synth();
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            Object resources = ((java.util.Map<?, ?>) stack.getTemplate()).get("Resources");
            int count = resources instanceof java.util.Map ? ((java.util.Map<?, ?>) resources).size() : 0;
            System.out.println(stack.getStackName() + ": " + count + " resources, template " + stack.getTemplateFile());
        }
    }

    private App() {
    }
}
