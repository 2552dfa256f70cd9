package lambert.toolkit.aws;

/**
 * The execution role lambert creates when none is given: Lambda may assume it, and it may write the
 * function's own log group in CloudWatch Logs, nothing else.
 */
final class ExecutionRole {
    /** The inline policy's name. */
    static final String POLICY_NAME = "lambert-cloudwatch-logs";

    private ExecutionRole() {}

    /** Who may assume the role: the Lambda service. */
    static String trustPolicy() {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                + "\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    /** Log group creation and log events, in the function's log group only. */
    static String logsPolicy(String partition, String region, String account, String function) {
        String group = "arn:" + partition + ":logs:" + region + ":" + account + ":log-group:/aws/lambda/" + function;
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":\"logs:CreateLogGroup\",\"Resource\":\"" + group + ":*\"},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\"],"
                + "\"Resource\":\"" + group + ":*\"}]}";
    }
}
