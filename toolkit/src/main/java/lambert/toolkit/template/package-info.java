/**
 * {@code lambert template}: an AWS SAM template ({@code AWS::Serverless::Function}) made from a
 * package's {@code function.json}, for teams that deploy with SAM or CloudFormation, written as YAML
 * by a small emitter that quotes every string.
 */
package lambert.toolkit.template;
